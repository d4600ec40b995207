package io.phoenix.metrics.runtime;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Decides which engine sockets to watch. Explicit configuration wins outright; otherwise DOCKER_HOST,
 * CONTAINER_HOST and the well-known sockets are all taken (a host may run Docker and Podman side by side),
 * de-duplicated by real path because distributions symlink one socket to another.
 */
public final class EndpointResolver {

    public static final String CONFIG_KEY = "metrics.runtimes";

    /**
     * Sockets runtimes create by default, rootful Docker and Podman first, then the CRI runtimes of Kubernetes nodes
     * (containerd, CRI-O); the rootless Podman one comes from XDG_RUNTIME_DIR.
     */
    static final List<Path> WELL_KNOWN = List.of(Path.of("/var/run/docker.sock"), Path.of("/run/podman/podman.sock"),
            Path.of("/run/containerd/containerd.sock"), Path.of("/var/run/crio/crio.sock"));

    private final Map<String, String> env;
    private final Predicate<Path> exists;
    private final Function<Path, Path> realPath;

    public EndpointResolver(Map<String, String> env, Predicate<Path> exists, Function<Path, Path> realPath) {
        this.env = env;
        this.exists = exists;
        this.realPath = realPath;
    }

    /** Resolver over the real environment and file system. */
    public static EndpointResolver system() {
        return new EndpointResolver(System.getenv(), Files::exists, EndpointResolver::toRealPath);
    }

    /**
     * @param configured the value of {@value #CONFIG_KEY}, if set
     * @param autodetect whether to look beyond the configured list when it is absent
     * @throws IllegalArgumentException for a configured value that is not a {@code unix://} URI (naming the key)
     */
    public List<RuntimeEndpoint> resolve(Optional<List<String>> configured, boolean autodetect) {
        List<String> explicit = configured.orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (!explicit.isEmpty()) {
            List<RuntimeEndpoint> endpoints = new ArrayList<>();
            for (String value : explicit) {
                Path socket = parseUnixUri(value).orElseThrow(() -> new IllegalArgumentException(
                        CONFIG_KEY + "=" + value + ": expected a unix:// URI such as unix:///var/run/docker.sock"));
                endpoints.add(new RuntimeEndpoint(socket, RuntimeEndpoint.Origin.CONFIG));
            }
            return dedupe(endpoints);
        }
        if (!autodetect) {
            return List.of();
        }
        List<RuntimeEndpoint> candidates = new ArrayList<>();
        // Environment variables name sockets the user chose on purpose: keep them even if absent, to report them.
        fromEnv("DOCKER_HOST", RuntimeEndpoint.Origin.DOCKER_HOST).ifPresent(candidates::add);
        fromEnv("CONTAINER_HOST", RuntimeEndpoint.Origin.CONTAINER_HOST).ifPresent(candidates::add);
        // crictl's variable: the CRI socket of a Kubernetes node
        fromEnv("CONTAINER_RUNTIME_ENDPOINT", RuntimeEndpoint.Origin.CONTAINER_RUNTIME_ENDPOINT).ifPresent(candidates::add);
        List<Path> wellKnown = new ArrayList<>(WELL_KNOWN);
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            wellKnown.add(Path.of(xdg, "podman", "podman.sock"));
        }
        for (Path socket : wellKnown) {
            if (exists.test(socket)) {
                candidates.add(new RuntimeEndpoint(socket, RuntimeEndpoint.Origin.WELL_KNOWN));
            }
        }
        return dedupe(candidates);
    }

    /** Non-unix values (tcp://, ssh://) are not ours to follow: the agent only talks to local sockets. */
    private Optional<RuntimeEndpoint> fromEnv(String name, RuntimeEndpoint.Origin origin) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return parseUnixUri(value.trim()).map(socket -> new RuntimeEndpoint(socket, origin));
    }

    private List<RuntimeEndpoint> dedupe(List<RuntimeEndpoint> endpoints) {
        Map<Path, RuntimeEndpoint> byRealPath = new LinkedHashMap<>();
        for (RuntimeEndpoint endpoint : endpoints) {
            byRealPath.putIfAbsent(realPath.apply(endpoint.socket()), endpoint);
        }
        return List.copyOf(byRealPath.values());
    }

    static Optional<Path> parseUnixUri(String value) {
        if (!value.startsWith("unix://")) {
            return Optional.empty();
        }
        try {
            String path = URI.create(value).getPath();
            return path == null || path.isEmpty() || !path.startsWith("/") ? Optional.empty() : Optional.of(Path.of(path));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Path toRealPath(Path path) {
        try {
            return path.toRealPath();
        } catch (Exception e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
