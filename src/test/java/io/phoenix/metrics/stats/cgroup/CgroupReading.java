package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** Test access to the package-private kernel reader: one reading of one container, as the sampler's pass does it. */
public final class CgroupReading {

    private CgroupReading() {
    }

    /**
     * @param tree a miniature host holding {@code sys/fs/cgroup} and {@code proc} (see src/test/resources/cgroup)
     */
    public static StatsSample read(Path tree, String containerId, int pid, boolean includeLoopback, Instant readAt)
            throws IOException {
        CgroupLayout layout = CgroupLayout.detect(tree.resolve("sys/fs/cgroup"));
        Path proc = tree.resolve("proc");
        if (SourceChoice.decide(io.phoenix.metrics.config.MetricsConfig.Source.CGROUP, layout, proc) == null) {
            throw new IllegalStateException("unreachable: decide() throws when the tree is unreadable");
        }
        Scan scan = new Scan();
        long[] host = new long[2];
        try (KernelFile stat = KernelFile.open(proc.resolve("stat"), false)) {
            if (!ProcStat.hostCpu(stat.into(scan), host)) {
                throw new IOException(proc.resolve("stat") + ": no cpu line");
            }
        }
        try (ContainerReader reader = ContainerReader.open(layout, proc, containerId, pid, includeLoopback)) {
            return reader.read(scan, host[0], (int) host[1], readAt);
        }
    }
}
