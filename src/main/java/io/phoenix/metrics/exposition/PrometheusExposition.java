package io.phoenix.metrics.exposition;

import io.phoenix.metrics.collector.MetricStore;
import io.phoenix.metrics.collector.MetricFamily;
import io.phoenix.metrics.collector.MetricType;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.collector.PrometheusText;
import io.phoenix.metrics.collector.SeriesText;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The container and host families as Prometheus text (0.0.4) or OpenMetrics, assembled from the lines the
 * {@link MetricStore} keeps beside its values ({@link SeriesText}, written when the values were): a scrape copies
 * bytes and writes each family's HELP and TYPE, it formats no series. A scrape gets the last assembly, at most
 * 100 ms older than the store, or 200 ms while the next is assembled off the request path (see {@link RenderCache}).
 */
@ApplicationScoped
public class PrometheusExposition {

    @Inject
    MetricStore store;

    @Inject
    Vertx vertx;

    private final Executor workers = RenderCache.workers(() -> vertx);
    private final RenderCache text = new RenderCache(workers);
    private final RenderCache openMetrics = new RenderCache(workers);

    /** Our families in the 0.0.4 text format, or in OpenMetrics (without the closing "# EOF"). */
    public Buffer render(boolean asOpenMetrics) {
        return (asOpenMetrics ? openMetrics : text).get(store.version(), () -> assemble(store.texts(), asOpenMetrics));
    }

    /** When the page a scrape of this format is served now was rendered (System.nanoTime). */
    long renderedAt(boolean asOpenMetrics) {
        return (asOpenMetrics ? openMetrics : text).renderedAt();
    }

    /** The page of some values, through the same lines and assembly as a scrape (tests, recorded cases). */
    static byte[] write(List<MetricValue> values, boolean openMetrics, boolean timestamps) {
        return assemble(List.of(SeriesText.of(values, null, timestamps)), openMetrics);
    }

    /** One family's header and where its lines are in every owner that has it. */
    private static final class Group {
        final MetricFamily family;
        final List<SeriesText> owners = new ArrayList<>();
        final List<Integer> index = new ArrayList<>();
        int size;

        Group(MetricFamily family) {
            this.family = family;
        }
    }

    /**
     * Families in first-seen order, each with HELP and TYPE. In 0.0.4 a counter's family is named like its samples
     * ({@code x_total}); in OpenMetrics the family drops {@code _total} and carries a UNIT line where there is one.
     */
    static byte[] assemble(List<SeriesText> texts, boolean openMetrics) {
        Map<String, Group> families = new LinkedHashMap<>();
        for (SeriesText owner : texts) {
            for (int i = 0; i < owner.familyCount(); i++) {
                MetricFamily family = owner.family(i);
                Group group = families.computeIfAbsent(family.name(), n -> new Group(family));
                group.owners.add(owner);
                group.index.add(i);
                group.size += owner.length(i, openMetrics);
            }
        }
        List<byte[]> headers = new ArrayList<>(families.size());
        int total = 0;
        for (Group group : families.values()) {
            byte[] header = header(group.family, openMetrics);
            headers.add(header);
            total += header.length + group.size;
        }
        byte[] page = new byte[total];
        int at = 0;
        int h = 0;
        for (Group group : families.values()) {
            byte[] header = headers.get(h++);
            System.arraycopy(header, 0, page, at, header.length);
            at += header.length;
            for (int k = 0; k < group.owners.size(); k++) {
                SeriesText owner = group.owners.get(k);
                int i = group.index.get(k);
                int length = owner.length(i, openMetrics);
                System.arraycopy(owner.bytes(openMetrics), owner.from(i, openMetrics), page, at, length);
                at += length;
            }
        }
        return page;
    }

    private static byte[] header(MetricFamily first, boolean openMetrics) {
        boolean counter = first.type() == MetricType.COUNTER;
        String family = openMetrics && counter ? first.name().substring(0, first.name().length() - "_total".length()) : first.name();
        StringBuilder out = new StringBuilder(96 + first.help().length());
        out.append("# HELP ").append(family).append(' ');
        PrometheusText.escape(first.help(), out, openMetrics);
        out.append('\n');
        out.append("# TYPE ").append(family).append(' ').append(counter ? "counter" : "gauge").append('\n');
        if (openMetrics && first.unit() != null) {
            out.append("# UNIT ").append(family).append(' ').append(first.unit()).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
