package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.phoenix.metrics.stats.cgroup.KernelFormats.boxed;

/**
 * The open files of one running container and the code that turns them into a {@link StatsSample}.
 * <p>
 * Descriptor budget: at most {@value #MAX_HELD} held per container (v1/hybrid: cpuacct.usage, cpuacct.stat, cpu.stat,
 * memory.usage_in_bytes, memory.limit_in_bytes, memory.stat, pids.current, blkio.throttle.io_service_bytes,
 * blkio.throttle.io_serviced, cgroup.procs, /proc/PID/net/dev; v2: cpu.stat, memory.current, memory.max,
 * memory.stat, pids.current, io.stat, /proc/PID/net/dev, plus cgroup.procs when there is no io.stat; no net/dev for a
 * container in the host's network namespace), and one more for a moment while the per-process I/O fallback reads
 * each /proc/PID/io: {@value #BUDGET} in all. The sampler holds one more, /proc/stat, for all containers. Besides
 * these, the pressure files ({@link PressureFiles}: 3 where the kernel has PSI) and the memory event counters
 * ({@link MemoryEventFiles}: memory.oom_control and memory.failcnt on v1, memory.events on v2).
 */
final class ContainerReader implements AutoCloseable {

    static final int MAX_HELD = 11 + PressureFiles.FILES + MemoryEventFiles.MAX_FILES;
    static final int BUDGET = MAX_HELD + 1;
    /** Limits at or above 2^62 are the kernel's "unlimited" (v1 prints 9223372036854771712). */
    static final long NO_LIMIT = 1L << 62;
    /** Device label of the fallback: the sum of read_bytes/write_bytes of the container's processes. */
    static final String ALL_PROCESSES = "all";

    /** Where the disk counters of the last read came from. */
    enum DiskSource {
        /** cgroup v2 io.stat, per device */
        IO_STAT,
        /** cgroup v1 blkio.throttle.*, per device; only counts once blk-throttle is set up for the device */
        BLKIO,
        /** /proc/PID/io of the cgroup's processes, summed, device "all" */
        PROC_IO,
        NONE
    }

    private static final byte[][] CPUACCT_STAT = {Scan.ascii("user"), Scan.ascii("system")};
    private static final byte[][] CPU_V1 = {Scan.ascii("nr_periods"), Scan.ascii("nr_throttled"), Scan.ascii("throttled_time")};
    private static final byte[][] CPU_V2 = {Scan.ascii("usage_usec"), Scan.ascii("user_usec"), Scan.ascii("system_usec"),
            Scan.ascii("nr_periods"), Scan.ascii("nr_throttled"), Scan.ascii("throttled_usec")};
    private static final byte[][] INACTIVE_V1 = {Scan.ascii("total_inactive_file")};
    private static final byte[][] INACTIVE_V2 = {Scan.ascii("inactive_file")};
    private static final byte[][] PROC_IO_KEYS = {Scan.ascii("read_bytes"), Scan.ascii("write_bytes")};

    private final String containerId;
    private final int pid;
    private final Path procRoot;
    private final boolean includeLoopback;
    private final List<KernelFile> held = new ArrayList<>(MAX_HELD);

    private KernelFile cpuacctUsage;
    private KernelFile cpuacctStat;
    private KernelFile cpuStatV1;
    private KernelFile cpuStatV2;
    private KernelFile memoryUsage;
    private KernelFile memoryLimit;
    private KernelFile memoryStat;
    private boolean memoryV2;
    private KernelFile pidsCurrent;
    private KernelFile blkioBytes;
    private KernelFile blkioOps;
    private KernelFile ioStat;
    private KernelFile procs;
    private KernelFile netDev;
    private PressureFiles pressure;
    private MemoryEventFiles memoryEvents;

    private final long[] values = new long[8];
    private final KernelFormats.Devices devices = new KernelFormats.Devices();
    private final KernelFormats.Names interfaces = new KernelFormats.Names();
    private final KernelFormats.Pids processes = new KernelFormats.Pids();
    private long processReadBytes;
    private long processWriteBytes;
    private DiskSource diskSource = DiskSource.NONE;
    private String cgroupDescription = "";

    private ContainerReader(String containerId, int pid, Path procRoot, boolean includeLoopback) {
        this.containerId = containerId;
        this.pid = pid;
        this.procRoot = procRoot;
        this.includeLoopback = includeLoopback;
    }

    /** A cgroup found from the PID that does not name the container: not read, rather than read someone else's. */
    static final class NotTheContainer extends IOException {
        NotTheContainer(String message) {
            super(message);
        }
    }

    /**
     * Finds the container's cgroup from {@code PROC/PID/cgroup} and opens its files.
     *
     * @throws NotTheContainer when the cgroup found does not name the container (PID reused, no own cgroup, or a
     *                         cgroup namespace hides the path)
     * @throws IOException     when the process is gone or nothing can be opened
     */
    static ContainerReader open(CgroupLayout layout, Path procRoot, String containerId, int pid, boolean includeLoopback)
            throws IOException {
        return open(layout, procRoot, containerId, pid, includeLoopback, false);
    }

    /**
     * @param processIoOnly take disk numbers from the per-process fallback even where blkio/io.stat count (tests use
     *                      it to exercise the fallback on hosts where blk-throttle happens to be initialised)
     */
    static ContainerReader open(CgroupLayout layout, Path procRoot, String containerId, int pid, boolean includeLoopback,
                                boolean processIoOnly) throws IOException {
        Path procDir = procRoot.resolve(Integer.toString(pid));
        ProcCgroup cgroup = ProcCgroup.parse(Files.readString(procDir.resolve("cgroup")));
        ContainerReader reader = new ContainerReader(containerId, pid, procRoot, includeLoopback);
        try {
            reader.openFiles(layout, cgroup, procDir, processIoOnly);
            return reader;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private void openFiles(CgroupLayout layout, ProcCgroup cgroup, Path procDir, boolean processIoOnly) throws IOException {
        Path cpuacct = layout.v1(cgroup, "cpuacct").orElse(null);
        Path cpu = layout.v1(cgroup, "cpu").orElse(null);
        Path memory = layout.v1(cgroup, "memory").orElse(null);
        Path pids = layout.v1(cgroup, "pids").orElse(null);
        Path blkio = layout.v1(cgroup, "blkio").orElse(null);
        Path unified = layout.unified(cgroup).orElse(null);
        Set<Path> used = new LinkedHashSet<>();

        if (cpuacct != null) {
            cpuacctUsage = hold(cpuacct, "cpuacct.usage", false, used);
            cpuacctStat = hold(cpuacct, "cpuacct.stat", false, used);
            cpuStatV1 = hold(cpu, "cpu.stat", false, used);
        } else {
            cpuStatV2 = hold(unified, "cpu.stat", false, used);
        }
        if (memory != null) {
            memoryUsage = hold(memory, "memory.usage_in_bytes", false, used);
            memoryLimit = hold(memory, "memory.limit_in_bytes", false, used);
            memoryStat = hold(memory, "memory.stat", false, used);
        } else {
            memoryUsage = hold(unified, "memory.current", false, used);
            memoryV2 = memoryUsage != null;
            if (memoryV2) {
                memoryLimit = hold(unified, "memory.max", false, used);
                memoryStat = hold(unified, "memory.stat", false, used);
            }
        }
        memoryEvents = MemoryEventFiles.open(memory != null ? memory : memoryV2 ? unified : null, memoryV2, held);
        // On hybrid hosts nothing else may come from the unified directory: it must name the container by itself.
        pressure = PressureFiles.open(unified != null && unified.toString().contains(containerId) ? unified : null, held);
        pidsCurrent = hold(pids != null ? pids : unified, "pids.current", false, used);
        if (!processIoOnly && blkio != null) {
            blkioBytes = hold(blkio, "blkio.throttle.io_service_bytes_recursive", false, used);
            if (blkioBytes == null) {
                blkioBytes = hold(blkio, "blkio.throttle.io_service_bytes", false, used);
            }
            blkioOps = hold(blkio, "blkio.throttle.io_serviced_recursive", false, used);
            if (blkioOps == null) {
                blkioOps = hold(blkio, "blkio.throttle.io_serviced", false, used);
            }
        } else if (!processIoOnly) {
            ioStat = hold(unified, "io.stat", false, used);
        }
        if (ioStat == null) {
            procs = hold(firstNonNull(pids, cpuacct, memory, blkio, unified), "cgroup.procs", true, used);
        }
        if (cpuacctUsage == null && cpuStatV2 == null && memoryUsage == null) {
            throw new IOException("no cpu or memory accounting for PID " + pid + " under " + layout);
        }
        for (Path dir : used) {
            if (!dir.toString().contains(containerId)) {
                throw new NotTheContainer("cgroup " + dir + " of PID " + pid + " does not name container " + containerId);
            }
        }
        if (!inHostNetwork(procDir)) {
            netDev = KernelFile.open(procDir.resolve("net").resolve("dev"), true);
            held.add(netDev);
        }
        cgroupDescription = used.iterator().next().toString();
    }

    /**
     * A container in the host's network namespace ({@code --network host}) would show the host's interfaces in its
     * net/dev; the runtimes report no networks for it, and so does this. "The host's" is PID 1's namespace, or the
     * agent's own where PID 1's may not be read (a supervisor with more capabilities than the agent, as on the build
     * machines); when the container's own link cannot be read (a recorded tree) its interfaces are read.
     */
    private boolean inHostNetwork(Path procDir) {
        Path own = netNamespace(procDir);
        if (own == null) {
            return false;
        }
        Path host = netNamespace(procRoot.resolve("1"));
        if (host == null) {
            host = netNamespace(procRoot.resolve("self"));
        }
        return own.equals(host);
    }

    private static Path netNamespace(Path procDir) {
        try {
            return Files.readSymbolicLink(procDir.resolve("ns").resolve("net"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Opens DIR/NAME if both exist and keeps it; notes the directory as one the sample comes from. */
    private KernelFile hold(Path dir, String name, boolean multiRecord, Set<Path> used) throws IOException {
        if (dir == null) {
            return null;
        }
        KernelFile file;
        try {
            file = KernelFile.open(dir.resolve(name), multiRecord);
        } catch (NoSuchFileException e) {
            return null;
        }
        held.add(file);
        used.add(dir);
        return file;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... candidates) {
        for (T candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    String containerId() {
        return containerId;
    }

    int pid() {
        return pid;
    }

    int openFiles() {
        return held.size();
    }

    DiskSource diskSource() {
        return diskSource;
    }

    /** The first cgroup directory read, for logs. */
    String cgroup() {
        return cgroupDescription;
    }

    /**
     * Reads every file once. {@code hostNanos}/{@code onlineCpus} come from the pass's single read of /proc/stat.
     *
     * @throws IOException when the cgroup or the process is gone (the container stopped; untrack follows)
     */
    StatsSample read(Scan s, long hostNanos, int onlineCpus, Instant readAt) throws IOException {
        return new StatsSample(containerId, readAt, cpu(s, hostNanos, onlineCpus), memory(s), pids(s), networks(s), disks(s),
                pressure == null ? null : pressure.read(s), memoryEvents == null ? null : memoryEvents.read(s));
    }

    private StatsSample.Cpu cpu(Scan s, long hostNanos, int onlineCpus) throws IOException {
        if (cpuacctUsage != null) {
            long total = cpuacctUsage.into(s).single();
            if (total == Scan.NONE) {
                return null;
            }
            Long user = null;
            Long system = null;
            if (cpuacctStat != null) {
                cpuacctStat.into(s).keyed(CPUACCT_STAT, values);
                user = scaled(values[0], KernelFormats.NANOS_PER_TICK);
                system = scaled(values[1], KernelFormats.NANOS_PER_TICK);
            }
            Long periods = null;
            Long throttledPeriods = null;
            Long throttledNanos = null;
            if (cpuStatV1 != null) {
                cpuStatV1.into(s).keyed(CPU_V1, values);
                periods = boxed(values[0]);
                throttledPeriods = boxed(values[1]);
                throttledNanos = boxed(values[2]);
            }
            return new StatsSample.Cpu(total, user, system, hostNanos, onlineCpus, periods, throttledPeriods, throttledNanos);
        }
        if (cpuStatV2 != null) {
            cpuStatV2.into(s).keyed(CPU_V2, values);
            if (values[0] == Scan.NONE) {
                return null;
            }
            return new StatsSample.Cpu(values[0] * 1000, scaled(values[1], 1000), scaled(values[2], 1000), hostNanos, onlineCpus,
                    boxed(values[3]), boxed(values[4]), scaled(values[5], 1000));
        }
        return null;
    }

    private StatsSample.Memory memory(Scan s) throws IOException {
        if (memoryUsage == null) {
            return null;
        }
        long usage = memoryUsage.into(s).single();
        if (usage == Scan.NONE) {
            return null;
        }
        Long limit = null;
        if (memoryLimit != null) {
            long value = memoryLimit.into(s).single();
            limit = value == Scan.NONE || value >= NO_LIMIT ? null : value; // v2 "max" parses as Long.MAX_VALUE
        }
        Long inactiveFile = null;
        if (memoryStat != null) {
            memoryStat.into(s).keyed(memoryV2 ? INACTIVE_V2 : INACTIVE_V1, values);
            inactiveFile = boxed(values[0]);
        }
        return new StatsSample.Memory(usage, limit, inactiveFile);
    }

    private Long pids(Scan s) throws IOException {
        return pidsCurrent == null ? null : boxed(pidsCurrent.into(s).single());
    }

    private List<StatsSample.Network> networks(Scan s) throws IOException {
        if (netDev == null) {
            return List.of();
        }
        List<StatsSample.Network> out = new ArrayList<>(4);
        KernelFormats.netDev(netDev.into(s), includeLoopback, interfaces, out);
        return out;
    }

    private List<StatsSample.Disk> disks(Scan s) throws IOException {
        devices.reset();
        if (ioStat != null) {
            KernelFormats.ioStat(ioStat.into(s), devices);
            diskSource = DiskSource.IO_STAT;
            return devices.toDisks(true);
        }
        if (blkioBytes != null && KernelFormats.blkio(blkioBytes.into(s), devices, 0) > 0) {
            if (blkioOps != null) {
                KernelFormats.blkio(blkioOps.into(s), devices, 2);
            }
            diskSource = DiskSource.BLKIO;
            return devices.toDisks(blkioOps != null);
        }
        if (procs != null) {
            StatsSample.Disk all = processIo(s);
            diskSource = all == null ? DiskSource.NONE : DiskSource.PROC_IO;
            return all == null ? List.of() : List.of(all);
        }
        diskSource = DiskSource.NONE;
        return List.of();
    }

    /**
     * Sum of read_bytes/write_bytes (bytes that reached the block layer, the same quantity blkio counts) of the
     * cgroup's processes; each includes its threads and the children it has reaped. Kept monotonic: a process that
     * exits unreaped by a process of the container takes its bytes along, and the counter must not go back.
     * Null when /proc/PID/io may not be read (it needs ptrace-read access, CAP_SYS_PTRACE in a container).
     */
    private StatsSample.Disk processIo(Scan s) throws IOException {
        KernelFormats.pids(procs.into(s), processes);
        long read = 0;
        long write = 0;
        for (int i = 0; i < processes.size; i++) {
            Path io = procRoot.resolve(Integer.toString(processes.values[i])).resolve("io");
            try (FileChannel channel = FileChannel.open(io, StandardOpenOption.READ)) {
                s.load(channel, false).keyed(PROC_IO_KEYS, values);
            } catch (AccessDeniedException e) {
                return null;
            } catch (IOException e) {
                continue; // exited between cgroup.procs and here
            }
            read += Math.max(0, values[0]);
            write += Math.max(0, values[1]);
        }
        processReadBytes = Math.max(processReadBytes, read);
        processWriteBytes = Math.max(processWriteBytes, write);
        return new StatsSample.Disk(ALL_PROCESSES, processReadBytes, processWriteBytes, null, null);
    }

    private static Long scaled(long value, long factor) {
        return value == Scan.NONE ? null : value * factor;
    }

    @Override
    public void close() {
        for (KernelFile file : held) {
            file.close();
        }
        held.clear();
    }
}
