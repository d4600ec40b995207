package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.config.MetricsConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether container numbers come from the kernel's cgroup files or from the runtime APIs ({@code metrics.source}),
 * decided once at start-up, and why (logged and shown on /api/runtimes).
 */
public record SourceChoice(boolean cgroup, String reason) {

    /**
     * @throws IllegalStateException for {@code metrics.source=cgroup} on a host whose cgroup or proc file system cannot
     *                               be read, so that start-up fails and says why
     */
    static SourceChoice decide(MetricsConfig.Source source, CgroupLayout layout, Path procRoot) {
        String unreadable = null;
        if (layout.kind() == CgroupLayout.Kind.NONE) {
            unreadable = "no cgroup v1 controller or cgroup2 mount under " + layout.root() + " (metrics.cgroup.root)";
        } else if (!Files.isReadable(procRoot.resolve("self").resolve("cgroup"))) {
            unreadable = procRoot.resolve("self").resolve("cgroup") + " is not readable (metrics.proc.root)";
        }
        return switch (source) {
            case API -> new SourceChoice(false, "metrics.source=api");
            case CGROUP -> {
                if (unreadable != null) {
                    throw new IllegalStateException("metrics.source=cgroup, but " + unreadable);
                }
                yield new SourceChoice(true, "metrics.source=cgroup, " + layout);
            }
            case AUTO -> unreadable == null
                    ? new SourceChoice(true, "metrics.source=auto, cgroup " + layout)
                    : new SourceChoice(false, "metrics.source=auto, runtime API: " + unreadable);
        };
    }
}
