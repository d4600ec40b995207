package io.phoenix.metrics.collector;

import io.phoenix.metrics.stats.StatsSample;

import java.util.List;

import static io.phoenix.metrics.collector.MetricDefinition.counter;

/** Per interface (label {@code interface}); Podman's API only gives a sum, reported as interface "all". */
public final class NetworkCollector extends TableCollector {

    static final List<MetricDefinition<StatsSample.Network>> METRICS = List.of(
            counter("container_network_receive_bytes_total", "bytes", "Bytes received.", StatsSample.Network::rxBytes),
            counter("container_network_transmit_bytes_total", "bytes", "Bytes sent.", StatsSample.Network::txBytes),
            counter("container_network_receive_packets_total", null, "Packets received.", StatsSample.Network::rxPackets),
            counter("container_network_transmit_packets_total", null, "Packets sent.", StatsSample.Network::txPackets),
            counter("container_network_receive_errors_total", null, "Receive errors.", StatsSample.Network::rxErrors),
            counter("container_network_transmit_errors_total", null, "Transmit errors.", StatsSample.Network::txErrors),
            counter("container_network_receive_packets_dropped_total", null, "Received packets dropped.", StatsSample.Network::rxDropped),
            counter("container_network_transmit_packets_dropped_total", null, "Outgoing packets dropped.", StatsSample.Network::txDropped));

    public NetworkCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        StatsSample latest = snapshot.latest();
        if (latest == null || latest.networks().isEmpty()) {
            return List.of();
        }
        return emitEach(METRICS, latest.networks(), snapshot, "interface", StatsSample.Network::iface);
    }
}
