package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.stats.SampleWindow;
import io.phoenix.metrics.stats.StatsSample;

import java.time.Instant;

import java.util.Map;

/**
 * What a container collector gets: the container as discovery knows it, its newest samples (null while it has
 * none, e.g. when stopped), the collection time, and its labels, computed once per container and tick.
 *
 * @param labels         the labels every series of this container carries
 * @param metadataLabels the larger set container_info carries
 */
public record ContainerSnapshot(ContainerInfo container, SampleWindow samples, Instant now, Map<String, String> labels,
                                Map<String, String> metadataLabels) {

    /** The newest sample, or null. */
    public StatsSample latest() {
        return samples == null ? null : samples.latest();
    }
}
