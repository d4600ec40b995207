package io.phoenix.metrics.runtime;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;
import io.vertx.mutiny.core.net.SocketAddress;
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
public final class RuntimeClient implements AutoCloseable {


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
    private final RuntimeGuard guard;
    private final Consumer<RuntimeApiException> errors;
    private final RuntimeErrors classify;

    /**
     * @param errors told of every failed request or stream (after the guard gave up), for per-endpoint counting
     */
    public RuntimeClient(Vertx vertx, RuntimeEndpoint endpoint, Options options, RuntimeGuard guard, Consumer<RuntimeApiException> errors) {
        this.endpoint = endpoint;
        this.apiPrefix = "/" + options.apiVersion();
        this.server = SocketAddress.domainSocketAddress(endpoint.socket().toString());
        this.timeoutMillis = options.requestTimeout().toMillis();
        this.guard = guard;
        this.errors = errors;
        this.classify = new RuntimeErrors(endpoint.socket().toString(), timeoutMillis);
        // Streams hold a connection each for as long as they live, so the pool must fit them all. An expired
        // connection is never handed out again; the pool's cleaner only closes it, and runs once per keep-alive
        // instead of every second (Vert.x's default), which woke an event loop every second on an idle node.
        int keepAliveSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 1000, options.keepAlive().toSeconds()));
        HttpClientOptions httpOptions = new HttpClientOptions()
                .setMaxPoolSize(options.maxConnections())
                .setKeepAlive(true)
                .setKeepAliveTimeout(keepAliveSeconds)
                .setPoolCleanerPeriod(keepAliveSeconds * 1000)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .setShared(false);
        this.http = vertx.createHttpClient(httpOptions);
        this.web = WebClient.wrap(http);
    }

    public RuntimeEndpoint endpoint() {
        return endpoint;
    }

    public RuntimeGuard guard() {
        return guard;
    }

    /** A Docker API path with this client's version prefix. */
    public String apiPath(String path) {
        return apiPrefix + path;
    }

    public Uni<RuntimeIdentity> version() {
        return getObject("/version").map(RuntimeIdentity::fromVersion);
    }

    /** Whether the engine answers at all: {@code /_ping}, milliseconds where Podman's /version takes seconds. */
    public Uni<Void> ping() {
        return get("/_ping", 64, body -> null).replaceWithVoid();
    }

    /** Every container, running or not. */
    public Uni<JsonArray> listContainers() {
        return get("/containers/json?all=true", InputCaps.MAX_LIST_BYTES,
                body -> InputCaps.requireListSize(RuntimeErrors.decode(body, "/containers/json", JsonArray.class)));
    }

    /** Fails with {@link RuntimeApiException.NotFound} when the container is gone. */
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
                    .onFailure().transform(e -> classify.unavailable(uri, e))
                    .onItem().transformToMulti(request -> request.send()
                            .onFailure().transform(e -> classify.unavailable(uri, e))
                            .onItem().transformToMulti(response -> body(uri, request, response, framer)));
        });
        if (staleAfter != null) {
            stream = stream.ifNoItem().after(staleAfter).failWith(() -> new RuntimeApiException.Unavailable(
                    "GET " + uri + ": nothing for " + staleAfter.toSeconds() + " s, stream hung", null));
        }
        return stream.onFailure().invoke(e -> {
            if (e instanceof RuntimeApiException engineException && !(e instanceof RuntimeApiException.NotFound)) {
                errors.accept(engineException);
            }
        });
    }

    private Multi<JsonObject> body(String uri, HttpClientRequest request, HttpClientResponse response, JsonObjectFramer framer) {
        if (response.statusCode() / 100 != 2) {
            return response.body().onItem().transformToMulti(
                    body -> Multi.createFrom().<JsonObject>failure(RuntimeErrors.httpError(uri, response.statusCode(), body == null ? null : body.getDelegate())));
        }
        Multi<JsonObject> objects = response.toMulti()
                .onFailure().transform(e -> classify.unavailable(uri, e))
                .onItem().transformToIterable(chunk -> InputCaps.feed(framer, chunk.getDelegate(), uri, errors))
                .onCancellation().invoke(() -> {
                    // We asked for the end: the reset's own "stream reset" error is expected, not news.
                    response.getDelegate().exceptionHandler(ignored -> { });
                    request.reset();
                });
        // A stream that ends inside an object lost data: that is an error, not a clean end.
        Multi<JsonObject> truncation = Multi.createFrom().deferred(() -> framer.hasPartialObject()
                ? Multi.createFrom().failure(new RuntimeApiException.Protocol(uri + ": stream ended in the middle of an object"))
                : Multi.createFrom().empty());
        return Multi.createBy().concatenating().streams(objects, truncation);
    }

    /** Counts an error found outside this client's own requests (an input over a cap), as its own are. */
    public void report(RuntimeApiException error) {
        errors.accept(error);
    }

    private Uni<JsonObject> getObject(String path) {
        return get(path, InputCaps.MAX_BODY_BYTES, body -> RuntimeErrors.decode(body, path, JsonObject.class));
    }

    /** Garbage in the body (not JSON, too deep, too long) is counted too, but does not open the circuit. */
    private <T> Uni<T> get(String path, int maxBytes, java.util.function.Function<Buffer, T> decoder) {
        String uri = apiPrefix + path;
        return guard.call(() -> web.request(HttpMethod.GET, server, 80, "localhost", uri)
                        .timeout(timeoutMillis)
                        .as(CappedBody.of(maxBytes, uri))
                        .send()
                        .onFailure().transform(e -> classify.unavailable(uri, e))
                        .map(response -> RuntimeErrors.checked(uri, response)))
                .map(decoder)
                .onFailure().transform(e -> counted(uri, e));
    }

    /** Every failure leaves as a {@link RuntimeApiException} and, unless it only says "gone", is counted. */
    private Throwable counted(String uri, Throwable failure) {
        RuntimeApiException error = classify.guarded(uri, failure);
        if (!(error instanceof RuntimeApiException.NotFound)) {
            errors.accept(error);
        }
        return error;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.closeAndForget();
    }
}
