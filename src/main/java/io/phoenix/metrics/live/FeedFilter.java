package io.phoenix.metrics.live;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.runtime.RuntimeKind;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What one client asked for: a container, a runtime, a name glob ({@code *} and {@code ?}), metric name prefixes.
 * Null parts match everything.
 */
public record FeedFilter(String containerId, RuntimeKind runtime, Pattern name, List<String> metricPrefixes) {

    public static FeedFilter of(String containerId, String runtime, String nameGlob, String metrics) {
        RuntimeKind kind = runtime == null || runtime.isBlank() ? null : RuntimeKind.parse(runtime);
        Pattern name = nameGlob == null || nameGlob.isBlank() ? null : glob(nameGlob.trim());
        List<String> prefixes = metrics == null || metrics.isBlank() ? List.of()
                : Arrays.stream(metrics.split(",")).map(String::trim).filter(p -> !p.isEmpty()).distinct().sorted().toList();
        return new FeedFilter(containerId, kind, name, prefixes);
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Events about the feed itself reach every client; container events only the clients that match. */
    public boolean matches(FeedEvent event) {
        return event.container() == null || matches(event.container());
    }

    public boolean matches(ContainerInfo c) {
        return (containerId == null || c.id().equals(containerId))
                && (runtime == null || c.runtime() == runtime)
                && (name == null || name.matcher(c.name()).matches());
    }

    /** Identifies the metric selection: clients with the same one share serialized events. */
    public String metricsKey() {
        return String.join(",", metricPrefixes);
    }

    static boolean selects(List<String> prefixes, String metric) {
        if (prefixes.isEmpty()) {
            return true;
        }
        for (String prefix : prefixes) {
            if (metric.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
