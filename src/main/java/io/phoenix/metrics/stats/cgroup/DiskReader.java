package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;
import java.util.List;

/**
 * Disk counters: cgroup v2 io.stat, or v1 blkio.throttle.* where blk-throttle counts, else the per-process
 * fallback ({@link ProcessIoReader}) over the cgroup's processes.
 */
final class DiskReader {

    /** Where the disk counters of the last read came from. */
    enum Source {
        /** cgroup v2 io.stat, per device */
        IO_STAT,
        /** cgroup v1 blkio.throttle.*, per device; only counts once blk-throttle is set up for the device */
        BLKIO,
        /** /proc/PID/io of the cgroup's processes, summed, device "all" */
        PROC_IO,
        NONE
    }

    private final KernelFile blkioBytes;
    private final KernelFile blkioOps;
    private final KernelFile ioStat;
    private final ProcessIoReader processes;
    private final ReadBuffers.Devices devices = new ReadBuffers.Devices();
    private Source source = Source.NONE;

    private DiskReader(KernelFile blkioBytes, KernelFile blkioOps, KernelFile ioStat, ProcessIoReader processes) {
        this.blkioBytes = blkioBytes;
        this.blkioOps = blkioOps;
        this.ioStat = ioStat;
        this.processes = processes;
    }

    static DiskReader open(CgroupFiles.Dirs dirs, CgroupFiles files, java.nio.file.Path procRoot) throws IOException {
        KernelFile bytes = null;
        KernelFile ops = null;
        KernelFile ioStat = null;
        if (dirs.blkio() != null) {
            bytes = files.holdFirst(dirs.blkio(), "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes");
            ops = files.holdFirst(dirs.blkio(), "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_serviced");
        } else {
            ioStat = files.hold(dirs.unified(), "io.stat", false);
        }
        ProcessIoReader fallback = ioStat == null ? ProcessIoReader.open(dirs, files, procRoot) : null;
        return new DiskReader(bytes, ops, ioStat, fallback);
    }

    Source source() {
        return source;
    }

    /**
     * @param unchanged the last read's disks when the container's processes have not run since (else null): then
     *                  the v1 counters, which count I/O as its processes submit it, are kept without a read. (v2
     *                  io.stat is always read: it also counts the writeback the kernel's flusher does for the cgroup.)
     */
    List<StatsSample.Disk> read(Scan s, long[] values, List<StatsSample.Disk> unchanged) throws IOException {
        if (unchanged != null && (source == Source.BLKIO || source == Source.PROC_IO)) {
            return unchanged;
        }
        devices.reset();
        if (ioStat != null) {
            KernelFormats.ioStat(ioStat.into(s), devices);
            source = Source.IO_STAT;
            return devices.toDisks(true);
        }
        if (blkioBytes != null && KernelFormats.blkio(blkioBytes.into(s), devices, 0) > 0) {
            if (blkioOps != null) {
                KernelFormats.blkio(blkioOps.into(s), devices, 2);
            }
            source = Source.BLKIO;
            return devices.toDisks(blkioOps != null);
        }
        if (processes != null) {
            StatsSample.Disk all = processes.read(s, values);
            source = all == null ? Source.NONE : Source.PROC_IO;
            return all == null ? List.of() : List.of(all);
        }
        source = Source.NONE;
        return List.of();
    }
}
