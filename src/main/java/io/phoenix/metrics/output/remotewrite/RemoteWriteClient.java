package io.phoenix.metrics.output.remotewrite;

import io.smallrye.mutiny.Uni;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * POSTs one batch the way remote-write 1.0 says: protobuf, snappy, its version header. Non-blocking (Vert.x web
 * client, one pooled connection: batches go one at a time, in order). TLS with the JVM's trust store unless a CA
 * file is given.
 */
final class RemoteWriteClient implements AutoCloseable {

    private static final int MAX_ERROR_BODY = 300;
    /** A Retry-After beyond this is not taken literally: the data would age out of the buffer meanwhile anyway. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final RemoteWriteSettings settings;
    private final WebClient web;
    private volatile String authorization;

    RemoteWriteClient(Vertx vertx, RemoteWriteSettings settings, String userAgent) {
        this.settings = settings;
        WebClientOptions options = new WebClientOptions()
                .setUserAgent(userAgent)
                .setMaxPoolSize(1)
                .setKeepAlive(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()))
                .setTryUseCompression(false)
                .setFollowRedirects(false);
        if ("https".equals(settings.url().getScheme())) {
            options.setSsl(true).setVerifyHost(true);
            settings.caFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        }
        this.web = WebClient.create(vertx, options);
    }

    /** Re-reads the credential files (blocking: call off the event loop); keeps the last good value on failure. */
    void refreshCredentials() throws IOException {
        RemoteWriteSettings.Credentials c = settings.credentials();
        if (c instanceof RemoteWriteSettings.Credentials.Basic basic) {
            String password = Files.readString(basic.passwordFile()).strip();
            authorization = "Basic " + Base64.getEncoder()
                    .encodeToString((basic.username() + ":" + password).getBytes(StandardCharsets.UTF_8));
        } else if (c instanceof RemoteWriteSettings.Credentials.Bearer bearer) {
            authorization = "Bearer " + Files.readString(bearer.tokenFile()).strip();
        }
    }

    Uni<SendOutcome> send(Batch batch) {
        var request = web.postAbs(settings.url().toString())
                .putHeader("Content-Encoding", "snappy")
                .putHeader("Content-Type", "application/x-protobuf")
                .putHeader("X-Prometheus-Remote-Write-Version", "0.1.0")
                .timeout(settings.timeout().toMillis());
        settings.headers().forEach(request::putHeader);
        String auth = authorization;
        if (auth != null) {
            request.putHeader("Authorization", auth);
        }
        return request.sendBuffer(Buffer.buffer(batch.body()))
                .map(RemoteWriteClient::outcome)
                .onFailure().recoverWithItem(e -> new SendOutcome.Retry(describe(e), null));
    }

    static SendOutcome outcome(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new SendOutcome.Delivered(status);
        }
        String body = response.body() == null ? "" : response.body().toString(StandardCharsets.UTF_8);
        body = body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "..." : body;
        if (status == 429 || status / 100 == 5) {
            return new SendOutcome.Retry("HTTP " + status + " " + body.strip(), retryAfter(response.getHeader("Retry-After")));
        }
        return new SendOutcome.Rejected(status, body.strip());
    }

    /** Seconds or an HTTP date (RFC 9110); null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                wait = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (RuntimeException notADate) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        web.close();
    }
}
