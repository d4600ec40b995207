package io.phoenix.metrics.runtime;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The one client for the Docker Engine API, spoken by Docker and by Podman's compat layer, over a Unix socket.
 * Non-blocking (Vert.x). The socket is root-equivalent, so this class can only send GET: there is no method
 * that takes a verb or a body.
 */
public final class EngineClient implements AutoCloseable {

    /** Enough of an error body to say what went wrong without copying a whole garbage page into logs. */
    private static final int MAX_ERROR_BODY = 300;

    /**
     * @param apiVersion     Docker API version in the path, e.g. v1.41
     * @param requestTimeout of one request (streams have none)
     * @param maxConnections pool size; every open stream holds one
     * @param keepAlive      how long an idle pooled connection stays open (at least a second)
     */
    public record Options(String apiVersion, Duration requestTimeout, int maxConnections, Duration keepAlive) {
    }

    private final RuntimeEndpoint endpoint;
    private final String apiPrefix;
    private final SocketAddress server;
    private final HttpClient http;
    private final WebClient web;
    private final long timeoutMillis;
    private final EngineGuard guard;
    private final Consumer<EngineException> errors;

    /**
     * @param errors told of every failed request or stream (after the guard gave up), for per-endpoint counting
     */
    public EngineClient(Vertx vertx, RuntimeEndpoint endpoint, Options options, EngineGuard guard, Consumer<EngineException> errors) {
        this.endpoint = endpoint;
        this.apiPrefix = "/" + options.apiVersion();
        this.server = SocketAddress.domainSocketAddress(endpoint.socket().toString());
        this.timeoutMillis = options.requestTimeout().toMillis();
        this.guard = guard;
        this.errors = errors;
        // Streams hold a connection each for as long as they live, so the pool must fit them all.
        HttpClientOptions httpOptions = new HttpClientOptions()
                .setMaxPoolSize(options.maxConnections())
                .setKeepAlive(true)
                .setKeepAliveTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, options.keepAlive().toSeconds())))
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .setShared(false);
        this.http = vertx.createHttpClient(httpOptions);
        this.web = WebClient.wrap(http);
    }

    public RuntimeEndpoint endpoint() {
        return endpoint;
    }

    public EngineGuard guard() {
        return guard;
    }

    /** A Docker API path with this client's version prefix. */
    public String apiPath(String path) {
        return apiPrefix + path;
    }

    public Uni<RuntimeIdentity> version() {
        return getObject("/version").map(RuntimeIdentity::fromVersion);
    }

    /** Every container, running or not. */
    public Uni<JsonArray> listContainers() {
        return get("/containers/json?all=true", InputCaps.MAX_LIST_BYTES,
                body -> InputCaps.requireListSize(decode(body, "/containers/json", JsonArray.class)));
    }

    /** Fails with {@link EngineException.NotFound} when the container is gone. */
    public Uni<JsonObject> inspect(String containerId) {
        return getObject("/containers/" + encode(containerId) + "/json");
    }

    /**
     * Container events from {@code since} (engine time, seconds with a fraction; null = from now) onwards, as
     * long as the engine keeps the stream open.
     */
    public Multi<JsonObject> events(String since) {
        String filters = encode("{\"type\":[\"container\"]}");
        return stream("/events?filters=" + filters + (since == null ? "" : "&since=" + encode(since)));
    }

    /**
     * A streaming GET whose body is a sequence of JSON objects. Cancelling the subscription resets the
     * connection, so a stopped stream never keeps a socket open on the engine.
     */
    public Multi<JsonObject> stream(String path) {
        return streamAbsolute(apiPrefix + path, null);
    }

    /**
     * As {@link #stream}, for a path outside the Docker API prefix (libpod's own API on Podman) if need be, and
     * failing when no object arrives for {@code staleAfter} (null: wait forever, as the event stream must).
     */
    public Multi<JsonObject> streamAbsolute(String uri, Duration staleAfter) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(server.getDelegate())
                .setHost("localhost")
                .setPort(80)
                .setURI(uri)
                .setConnectTimeout(timeoutMillis);
        Multi<JsonObject> stream = Multi.createFrom().deferred(() -> {
            JsonObjectFramer framer = new JsonObjectFramer();
            return http.request(options)
                    .onFailure().transform(e -> unavailable(uri, e))
                    .onItem().transformToMulti(request -> request.send()
                            .onFailure().transform(e -> unavailable(uri, e))
                            .onItem().transformToMulti(response -> body(uri, request, response, framer)));
        });
        if (staleAfter != null) {
            stream = stream.ifNoItem().after(staleAfter).failWith(() -> new EngineException.Unavailable(
                    "GET " + uri + ": nothing for " + staleAfter.toSeconds() + " s, stream hung", null));
        }
        return stream.onFailure().invoke(e -> {
            if (e instanceof EngineException engineException && !(e instanceof EngineException.NotFound)) {
                errors.accept(engineException);
            }
        });
    }

    private Multi<JsonObject> body(String uri, HttpClientRequest request, HttpClientResponse response, JsonObjectFramer framer) {
        if (response.statusCode() / 100 != 2) {
            return response.body().onItem().transformToMulti(
                    body -> Multi.createFrom().<JsonObject>failure(httpError(uri, response.statusCode(), body == null ? null : body.getDelegate())));
        }
        Multi<JsonObject> objects = response.toMulti()
                .onFailure().transform(e -> unavailable(uri, e))
                .onItem().transformToIterable(chunk -> InputCaps.feed(framer, chunk.getDelegate(), uri, errors))
                .onCancellation().invoke(() -> {
                    // We asked for the end: the reset's own "stream reset" error is expected, not news.
                    response.getDelegate().exceptionHandler(ignored -> { });
                    request.reset();
                });
        // A stream that ends inside an object lost data: that is an error, not a clean end.
        Multi<JsonObject> truncation = Multi.createFrom().deferred(() -> framer.hasPartialObject()
                ? Multi.createFrom().failure(new EngineException.Protocol(uri + ": stream ended in the middle of an object"))
                : Multi.createFrom().empty());
        return Multi.createBy().concatenating().streams(objects, truncation);
    }

    /** Counts an error found outside this client's own requests (an input over a cap), as its own are. */
    public void report(EngineException error) {
        errors.accept(error);
    }

    private Uni<JsonObject> getObject(String path) {
        return get(path, InputCaps.MAX_BODY_BYTES, body -> decode(body, path, JsonObject.class));
    }

    /** Garbage in the body (not JSON, too deep, too long) is counted too, but does not open the circuit. */
    private <T> Uni<T> get(String path, int maxBytes, java.util.function.Function<Buffer, T> decoder) {
        String uri = apiPrefix + path;
        return guard.call(() -> web.request(HttpMethod.GET, server, 80, "localhost", uri)
                        .timeout(timeoutMillis)
                        .as(CappedBody.of(maxBytes, uri))
                        .send()
                        .onFailure().transform(e -> unavailable(uri, e))
                        .map(response -> checked(uri, response)))
                .map(decoder)
                .onFailure().transform(e -> counted(uri, e));
    }

    /** What the guard let through (an open circuit, a timeout of its own) becomes an EngineException too, and is counted. */
    private Throwable counted(String uri, Throwable failure) {
        EngineException error = failure instanceof EngineException e ? e
                : failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException
                ? new EngineException.CircuitOpen("GET " + uri + ": circuit open after repeated failures, not asking the engine")
                : failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                ? new EngineException.Unavailable("GET " + uri + ": no answer within " + timeoutMillis + " ms (engine hung?)", failure)
                : new EngineException.Unavailable("GET " + uri + ": " + failure, failure);
        if (!(error instanceof EngineException.NotFound)) {
            errors.accept(error);
        }
        return error;
    }

    private static Buffer checked(String uri, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        Buffer body = response.body();
        if (status / 100 == 2) {
            return body == null ? Buffer.buffer() : body;
        }
        throw httpError(uri, status, body == null ? null : body.getDelegate());
    }

    /**
     * Podman's compat handlers answer HTTP 500 with this libpod cause when a container is removed while they work
     * on it (seen on 4.3 for inspect and stats during a removal); Docker says 404. Either way the container is
     * gone, which is not a failure of the engine and must not count towards its circuit.
     */
    private static final String PODMAN_NO_SUCH_CONTAINER = "no such container";

    static EngineException httpError(String uri, int status, io.vertx.core.buffer.Buffer body) {
        JsonObject json = body == null ? null : jsonOrNull(body);
        String message = json != null && json.getValue("message") instanceof String m ? m : body == null ? "" : abbreviated(body);
        boolean gone = status == 404
                || status == 500 && json != null && PODMAN_NO_SUCH_CONTAINER.equals(json.getValue("cause"));
        if (gone) {
            return new EngineException.NotFound(uri + ": " + message);
        }
        return new EngineException.Protocol(uri + ": HTTP " + status + (message.isEmpty() ? "" : ": " + message));
    }

    private static JsonObject jsonOrNull(io.vertx.core.buffer.Buffer body) {
        try {
            return body.toJson() instanceof JsonObject object ? object : null;
        } catch (DecodeException e) {
            return null;
        }
    }

    /** Not the engines' {"message": ...} shape: shown as text, abbreviated. */
    private static String abbreviated(io.vertx.core.buffer.Buffer body) {
        String text = body.toString();
        return text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "..." : text.strip();
    }

    private static <T> T decode(Buffer body, String path, Class<T> type) {
        InputCaps.requireShallow(body.getDelegate(), path);
        Object value;
        try {
            value = body.toJson();
        } catch (DecodeException e) {
            throw new EngineException.Protocol(path + ": not JSON: " + e.getMessage(), e);
        }
        if (!type.isInstance(value)) {
            throw new EngineException.Protocol(path + ": expected a JSON " + type.getSimpleName().replace("Json", "").toLowerCase()
                    + ", got " + (value == null ? "nothing" : value.getClass().getSimpleName()));
        }
        return type.cast(value);
    }

    private EngineException unavailable(String uri, Throwable cause) {
        if (cause instanceof EngineException engineException) {
            return engineException;
        }
        if (cause != null && cause.getCause() instanceof EngineException.TooLarge tooLarge) {
            return tooLarge; // a capped body fails the web client's pipe, which wraps the reason
        }
        return new EngineException.Unavailable("GET " + uri + ": " + describe(cause), cause);
    }

    /** Netty's native transport reports socket errors as bare exception types; say what they mean. */
    private String describe(Throwable cause) {
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        if (cause instanceof java.io.FileNotFoundException || cause instanceof java.nio.file.NoSuchFileException
                || message.contains("No such file")) {
            return "socket " + endpoint.socket() + " does not exist (engine not installed or not started)";
        }
        if (cause instanceof java.nio.file.AccessDeniedException || message.contains("Permission denied")) {
            return "permission denied on " + endpoint.socket() + " (run as root or in the engine's group)";
        }
        if (cause instanceof java.net.ConnectException || message.contains("Connection refused")) {
            return "connection refused on " + endpoint.socket() + " (nothing is listening: engine stopped?)";
        }
        if (cause instanceof java.util.concurrent.TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "no answer within " + timeoutMillis + " ms (engine hung?)";
        }
        return message.isEmpty() ? cause.getClass().getSimpleName() : message;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.closeAndForget();
    }
}
