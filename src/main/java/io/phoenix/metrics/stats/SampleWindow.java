package io.phoenix.metrics.stats;

/**
 * The two newest samples of a container: rates (CPU percent) are computed from the agent's own previous sample,
 * never from the engine's precpu, so they mean "since the last reading we saw".
 *
 * @param previous null until the second sample
 */
public record SampleWindow(StatsSample previous, StatsSample latest) {

    public SampleWindow next(StatsSample sample) {
        return new SampleWindow(latest, sample);
    }

    /** Δcontainer / Δhost × online CPUs × 100 (the Docker CLI formula: 100 = one core busy); null until two samples. */
    public Double cpuPercent() {
        if (previous == null || previous.cpu() == null || latest.cpu() == null) {
            return null;
        }
        long container = latest.cpu().totalNanos() - previous.cpu().totalNanos();
        long host = latest.cpu().hostNanos() - previous.cpu().hostNanos();
        if (host <= 0 || container < 0) {
            return null; // same reading twice, or the container restarted and its counters began again
        }
        return (double) container / host * latest.cpu().onlineCpus() * 100.0;
    }
}
