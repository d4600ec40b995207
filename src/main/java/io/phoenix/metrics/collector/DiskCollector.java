package io.phoenix.metrics.collector;

import io.phoenix.metrics.stats.StatsSample;

import java.util.List;

import static io.phoenix.metrics.collector.MetricDefinition.counter;

/** Per block device "major:minor" (label {@code device}); Podman's API only gives a sum, reported as device "all". */
public final class DiskCollector extends TableCollector {

    static final List<MetricDefinition<StatsSample.Disk>> METRICS = List.of(
            counter("container_disk_read_bytes_total", "bytes", "Bytes read from the block device.", StatsSample.Disk::readBytes),
            counter("container_disk_write_bytes_total", "bytes", "Bytes written to the block device.", StatsSample.Disk::writeBytes),
            counter("container_disk_read_ops_total", null, "Read operations on the block device.", StatsSample.Disk::readOps),
            counter("container_disk_write_ops_total", null, "Write operations on the block device.", StatsSample.Disk::writeOps));

    public DiskCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        StatsSample latest = snapshot.latest();
        if (latest == null || latest.disks().isEmpty()) {
            return List.of();
        }
        return emitEach(METRICS, latest.disks(), snapshot, "device", StatsSample.Disk::device);
    }
}
