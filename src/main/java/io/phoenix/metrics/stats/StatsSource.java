package io.phoenix.metrics.stats;

import io.phoenix.metrics.discovery.ContainerInfo;

/**
 * Where one endpoint's samples come from. The pipeline says which containers run; the source decides how to read
 * them (a stream per container, one stream for all, or files) and hands every sample to the sink it was built with.
 */
public interface StatsSource extends AutoCloseable {

    /** The container runs: deliver its samples. Called again on every change; must be idempotent. */
    void track(ContainerInfo container);

    /** The container stopped or is gone: release whatever was held for it. */
    void untrack(String containerId);

    /** Streams currently open, for the self-metrics. */
    int openStreams();

    @Override
    void close();
}
