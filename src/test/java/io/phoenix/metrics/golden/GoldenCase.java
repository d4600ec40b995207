package io.phoenix.metrics.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One folder under src/test/resources/golden: {@code case.properties} (what to feed, and what it proves), the
 * recorded inputs it names, and {@code expected.txt}, the page the agent must serve for them. An input written
 * {@code /engine/...} or {@code /cgroup/...} is a shared recording on the test class path; any other name is a
 * file of the case's own folder. Knows nothing of src/main: {@link GoldenPipeline} turns it into a page.
 */
public record GoldenCase(String name, Path dir, Properties properties) {

    public static final String EXPECTED = "expected.txt";
    private static final List<String> DEFAULT_COLLECTORS = List.of("cpu", "memory", "network", "disk", "pressure", "oom", "lifecycle", "info");

    public static GoldenCase load(Path dir) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("case.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GoldenCase c = new GoldenCase(dir.getFileName().toString(), dir, p);
        c.required("proves");
        c.required("now");
        if (!List.of("api", "cgroup").contains(c.source())) {
            throw new IllegalArgumentException(c.name + ": source must be api or cgroup, not " + c.source());
        }
        return c;
    }

    public String proves() {
        return required("proves");
    }

    /** api (the engines' stats streams) or cgroup (the kernel files). */
    public String source() {
        return required("source");
    }

    /** docker or podman, as the version payload must name the engine. */
    public String engine() {
        return required("engine");
    }

    /** The pinned clock: collection time, and read time of cgroup samples. */
    public Instant now() {
        return Instant.parse(required("now"));
    }

    public boolean openMetrics() {
        return "openmetrics".equals(properties.getProperty("format", "text"));
    }

    public List<String> collectors() {
        String list = properties.getProperty("collectors");
        return list == null ? DEFAULT_COLLECTORS : split(list);
    }

    public List<String> containerLabels() {
        return split(properties.getProperty("container-labels", ""));
    }

    /** {@code custom-label.<collector>.<label>=value} entries of one collector. */
    public Map<String, String> customLabels(String collector) {
        String prefix = "custom-label." + collector + ".";
        Map<String, String> labels = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).sorted()
                .forEach(k -> labels.put(k.substring(prefix.length()), properties.getProperty(k)));
        return labels;
    }

    public boolean includeLoopback() {
        return Boolean.parseBoolean(properties.getProperty("cgroup.include-loopback", "false"));
    }

    public byte[] version() {
        return bytes(required("version"));
    }

    /** The inspect payload, or null for a case without a container (host collector only). */
    public byte[] inspect() {
        String name = properties.getProperty("inspect");
        return name == null ? null : bytes(name);
    }

    /** Stats payloads in the order the engine sent them (each may hold several concatenated objects). */
    public List<byte[]> stats() {
        return split(properties.getProperty("stats", "")).stream().map(this::bytes).toList();
    }

    /** The recorded host (sys/fs/cgroup and proc) of a cgroup case. */
    public Path cgroupTree() {
        return path(required("cgroup.tree"));
    }

    public Path expectedFile() {
        return dir.resolve(EXPECTED);
    }

    private String required(String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + "/case.properties: " + key + " is missing");
        }
        return value.trim();
    }

    private byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(this.name + ": " + name, e);
        }
    }

    private Path path(String name) {
        if (!name.startsWith("/")) {
            return dir.resolve(name);
        }
        URL url = GoldenCase.class.getResource(name);
        if (url == null) {
            throw new IllegalArgumentException(this.name + ": no recording " + name + " on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
