package io.phoenix.metrics.live;

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
                : Arrays.stream(metrics.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
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

    public boolean matches(FeedEvent event) {
        var c = event.container();
        return (containerId == null || c.id().equals(containerId))
                && (runtime == null || c.runtime() == runtime)
                && (name == null || name.matcher(c.name()).matches());
    }

    /** The event as this client should see it (metric values narrowed to the prefixes). */
    public FeedEvent narrow(FeedEvent event) {
        return event instanceof FeedEvent.Metrics metrics ? metrics.only(metricPrefixes) : event;
    }
}
