package io.phoenix.metrics.exposition;

import io.phoenix.metrics.collector.MetricStore;
import io.phoenix.metrics.collector.MetricFamily;
import io.phoenix.metrics.collector.MetricType;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.collector.PrometheusText;
import io.phoenix.metrics.config.MetricsConfig;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container and host families as Prometheus text (0.0.4) or OpenMetrics, rendered from the
 * {@link MetricStore}; a scrape gets the last rendering, at most 100 ms older than the store (see
 * {@link RenderCache}).
 */
@ApplicationScoped
public class PrometheusExposition {

    @Inject
    MetricStore store;
    @Inject
    MetricsConfig config;

    private final RenderCache text = new RenderCache();
    private final RenderCache openMetrics = new RenderCache();

    /** Our families in the 0.0.4 text format, or in OpenMetrics (without the closing "# EOF"). */
    public Buffer render(boolean asOpenMetrics) {
        return (asOpenMetrics ? openMetrics : text).get(store.version(),
                () -> write(store.all(), asOpenMetrics, config.exposition().timestamps()));
    }

    /**
     * Families in first-seen order, each with HELP and TYPE. In 0.0.4 a counter's family is named like its samples
     * ({@code x_total}); in OpenMetrics the family drops {@code _total} and carries a UNIT line where there is one.
     */
    static byte[] write(List<MetricValue> values, boolean openMetrics, boolean timestamps) {
        Map<String, List<MetricValue>> families = new LinkedHashMap<>();
        for (MetricValue value : values) {
            families.computeIfAbsent(value.name(), n -> new ArrayList<>()).add(value);
        }
        StringBuilder out = new StringBuilder(values.size() * 160);
        for (List<MetricValue> series : families.values()) {
            MetricFamily first = series.get(0).family();
            boolean counter = first.type() == MetricType.COUNTER;
            String family = openMetrics && counter ? first.name().substring(0, first.name().length() - "_total".length()) : first.name();
            out.append("# HELP ").append(family).append(' ');
            PrometheusText.escape(first.help(), out, openMetrics);
            out.append('\n');
            out.append("# TYPE ").append(family).append(' ').append(counter ? "counter" : "gauge").append('\n');
            if (openMetrics && first.unit() != null) {
                out.append("# UNIT ").append(family).append(' ').append(first.unit()).append('\n');
            }
            for (MetricValue value : series) {
                out.append(value.name());
                if (!value.labels().isEmpty()) {
                    out.append('{');
                    boolean firstLabel = true;
                    for (Map.Entry<String, String> label : value.labels().entrySet()) {
                        if (!firstLabel) {
                            out.append(',');
                        }
                        firstLabel = false;
                        out.append(label.getKey()).append("=\"");
                        PrometheusText.escape(label.getValue(), out, true);
                        out.append('"');
                    }
                    out.append('}');
                }
                out.append(' ').append(PrometheusText.number(value.value(), false));
                if (timestamps) {
                    // 0.0.4 wants milliseconds, OpenMetrics seconds.
                    out.append(' ').append(openMetrics
                            ? java.math.BigDecimal.valueOf(value.timestamp()).movePointLeft(3).toPlainString()
                            : Long.toString(value.timestamp()));
                }
                out.append('\n');
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
