package io.phoenix.metrics.output.remotewrite;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@link RemoteWriteConfig} checked once at start-up: a bad value fails start-up with a message naming its key.
 *
 * @param externalLabels sorted by name, {@code node} always among them
 */
public record RemoteWriteSettings(URI url, Duration pushInterval, int maxSamplesPerSend, Duration bufferDuration,
                                  long bufferBytes, Duration timeout, Duration minBackoff, Duration maxBackoff,
                                  Map<String, String> externalLabels, Map<String, String> headers,
                                  Credentials credentials, Optional<Path> caFile) {

    static final String PREFIX = "metrics.remote-write.";
    /** Below this a single request hardly fits. */
    static final long MIN_BUFFER_BYTES = 4096;
    /** Headers the protocol or the credentials set: not to be overridden by metrics.remote-write.headers. */
    private static final java.util.Set<String> OWN_HEADERS = java.util.Set.of("content-encoding", "content-type",
            "content-length", "user-agent", "x-prometheus-remote-write-version", "authorization", "host");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9a-zA-Z-]+");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** Where the Authorization header comes from; files are re-read at every push so rotation needs no restart. */
    public sealed interface Credentials {
        record None() implements Credentials {
        }

        record Basic(String username, Path passwordFile) implements Credentials {
        }

        record Bearer(Path tokenFile) implements Credentials {
        }
    }

    /** Empty when remote-write is off (no url). */
    public static Optional<RemoteWriteSettings> from(RemoteWriteConfig c) {
        if (c.url().isEmpty() || c.url().get().isBlank()) {
            return Optional.empty();
        }
        URI url = url(c.url().get().trim());
        positive("push-interval", c.pushInterval());
        positive("timeout", c.timeout());
        positive("min-backoff", c.minBackoff());
        if (c.maxSamplesPerSend() < 1) {
            throw bad("max-samples-per-send", c.maxSamplesPerSend(), "must be 1 or more");
        }
        if (c.bufferDuration().compareTo(c.pushInterval()) < 0) {
            throw bad("buffer-duration", c.bufferDuration(), "must be at least push-interval (" + c.pushInterval() + ")");
        }
        if (c.maxBackoff().compareTo(c.minBackoff()) < 0) {
            throw bad("max-backoff", c.maxBackoff(), "must be at least min-backoff (" + c.minBackoff() + ")");
        }
        long bytes = bytes(c.bufferBytes());
        if (bytes < MIN_BUFFER_BYTES) {
            throw bad("buffer-bytes", bytes, "must be at least " + MIN_BUFFER_BYTES);
        }
        Map<String, String> labels = new TreeMap<>();
        c.externalLabels().forEach((name, value) -> {
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                throw bad("external-labels." + name, value, "not a valid label name (or reserved, starting with __)");
            }
            if (value.isEmpty()) {
                throw bad("external-labels." + name, value, "must not be empty (an empty label is no label)");
            }
            labels.put(name, value);
        });
        labels.putIfAbsent("node", hostName());
        c.headers().forEach((name, value) -> {
            if (!HEADER_NAME.matcher(name).matches() || OWN_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))
                    || value.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                throw bad("headers." + name, value, "not a header name and value the agent may set");
            }
        });
        Optional<Path> ca = c.tls().caFile().map(file -> readable("tls.ca-file", file));
        if (ca.isPresent() && !"https".equals(url.getScheme())) {
            throw bad("tls.ca-file", ca.get(), "only applies to an https url");
        }
        return Optional.of(new RemoteWriteSettings(url, c.pushInterval(), c.maxSamplesPerSend(), c.bufferDuration(),
                bytes, c.timeout(), c.minBackoff(), c.maxBackoff(), Map.copyOf(labels), Map.copyOf(c.headers()), credentials(c), ca));
    }

    /** The url without user info, safe to show in logs and /api/outputs. */
    public String displayUrl() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static URI url(String value) {
        try {
            URI url = new URI(value);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null
                    && url.getRawUserInfo() == null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException(PREFIX + "url=" + value
                + ": must be an absolute http:// or https:// URL without user info (use basic-auth.*)");
    }

    private static Credentials credentials(RemoteWriteConfig c) {
        if (c.basicAuth().isPresent() && c.bearerTokenFile().isPresent()) {
            throw new IllegalArgumentException(PREFIX + "basic-auth and " + PREFIX + "bearer-token-file: set one, not both");
        }
        if (c.basicAuth().isPresent()) {
            RemoteWriteConfig.BasicAuth basic = c.basicAuth().get();
            return new Credentials.Basic(basic.username(), readable("basic-auth.password-file", basic.passwordFile()));
        }
        return c.bearerTokenFile().<Credentials>map(file -> new Credentials.Bearer(readable("bearer-token-file", file)))
                .orElse(new Credentials.None());
    }

    private static Path readable(String key, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw bad(key, file, "not a readable file");
        }
        return path;
    }

    private static long bytes(String size) {
        try {
            return new io.quarkus.runtime.configuration.MemorySizeConverter().convert(size.trim()).asLongValue();
        } catch (RuntimeException e) {
            throw bad("buffer-bytes", size, "not a size (e.g. 64M, 512K, 1G, or bytes)");
        }
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw bad(key, value, "must be positive");
        }
    }

    private static IllegalArgumentException bad(String key, Object value, String why) {
        return new IllegalArgumentException(PREFIX + key + "=" + value + ": " + why);
    }

    /** HOSTNAME (set in containers and by most shells), /etc/hostname, then the resolver; what a user calls the node. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            String file = Files.readString(Path.of("/etc/hostname")).trim();
            if (!file.isEmpty()) {
                return file;
            }
        } catch (IOException | RuntimeException e) {
            // next
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
