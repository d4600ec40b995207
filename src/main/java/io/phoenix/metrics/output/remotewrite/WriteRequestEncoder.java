package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.output.remotewrite.StoreReader.Point;
import io.phoenix.metrics.output.remotewrite.proto.Label;
import io.phoenix.metrics.output.remotewrite.proto.Sample;
import io.phoenix.metrics.output.remotewrite.proto.TimeSeries;
import io.phoenix.metrics.output.remotewrite.proto.WriteRequest;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Points to remote-write 1.0 request bodies: one TimeSeries per point, labels sorted by name with {@code __name__}
 * among them and the external labels added where a series lacks them (the series' own value wins, as Prometheus
 * does), at most max-samples-per-send samples per request, each body snappy block-compressed.
 */
final class WriteRequestEncoder {

    private final Map<String, String> externalLabels;
    private final int maxSamplesPerSend;

    WriteRequestEncoder(Map<String, String> externalLabels, int maxSamplesPerSend) {
        this.externalLabels = Map.copyOf(externalLabels);
        this.maxSamplesPerSend = maxSamplesPerSend;
    }

    List<Batch> encode(List<Point> points, long queuedAtNanos) {
        List<Batch> batches = new ArrayList<>((points.size() + maxSamplesPerSend - 1) / maxSamplesPerSend);
        for (int from = 0; from < points.size(); from += maxSamplesPerSend) {
            List<Point> slice = points.subList(from, Math.min(points.size(), from + maxSamplesPerSend));
            WriteRequest.Builder request = WriteRequest.newBuilder();
            long oldest = Long.MAX_VALUE;
            for (Point p : slice) {
                request.addTimeseries(series(p));
                oldest = Math.min(oldest, p.timestamp());
            }
            batches.add(new Batch(compress(request.build().toByteArray()), slice.size(), oldest, queuedAtNanos));
        }
        return batches;
    }

    private TimeSeries series(Point p) {
        TreeMap<String, String> labels = new TreeMap<>(externalLabels);
        labels.putAll(p.labels());
        labels.put("__name__", p.name());
        TimeSeries.Builder series = TimeSeries.newBuilder();
        labels.forEach((name, value) -> {
            if (!value.isEmpty()) { // an empty label is no label, as on /metrics to Prometheus
                series.addLabels(Label.newBuilder().setName(name).setValue(value));
            }
        });
        return series.addSamples(Sample.newBuilder().setValue(p.value()).setTimestamp(p.timestamp())).build();
    }

    static byte[] compress(byte[] raw) {
        try {
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException("snappy", e);
        }
    }
}
