package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** Looks into a running sampler from its own thread: what tests compare with a runtime's answer. */
final class SamplerProbe {

    private final CgroupSampler sampler;

    SamplerProbe(CgroupSampler sampler) {
        this.sampler = sampler;
    }

    /** A fresh reading of one tracked container, off-tick and delivered nowhere (host CPU left at 1 ns, 1 CPU). */
    Optional<StatsSample> readNow(String containerId) {
        return sampler.withReader(containerId, (reader, scan) -> reader == null ? null : reader.read(scan, 1, 1, Instant.now()));
    }

    /** Descriptors held for one container (0 when untracked). */
    int openFiles(String containerId) {
        return sampler.withReader(containerId, (reader, scan) -> reader == null ? 0 : reader.openFiles()).orElse(0);
    }

    /** Where the disk numbers of a tracked container come from. */
    Optional<DiskReader.Source> diskSource(String containerId) {
        return sampler.withReader(containerId, (reader, scan) -> reader == null ? null : reader.diskSource());
    }

    /** One reading of the per-process disk fallback of a process's cgroup, whatever source its container uses. */
    static StatsSample.Disk processIo(CgroupLayout layout, Path procRoot, int pid) throws IOException {
        Path procDir = procRoot.resolve(Integer.toString(pid));
        CgroupFiles.Dirs dirs = CgroupFiles.Dirs.of(layout, ProcCgroup.parse(Files.readString(procDir.resolve("cgroup"))));
        try (CgroupFiles files = new CgroupFiles()) {
            ProcessIoReader fallback = ProcessIoReader.open(dirs, files, procRoot);
            if (files.count() != 1) {
                throw new AssertionError("the fallback holds cgroup.procs only, not " + files.count() + " files");
            }
            return fallback.read(new Scan(), new long[8]);
        }
    }
}
