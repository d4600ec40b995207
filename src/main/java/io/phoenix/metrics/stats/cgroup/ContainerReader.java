package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static io.phoenix.metrics.stats.cgroup.KernelFormats.boxed;

/**
 * One running container's readers, one per controller as runc's cgroups/fs has them ({@link CpuReader},
 * {@link MemoryReader}, pids here, {@link DiskReader}, and {@link NetworkReader} for the namespace's net/dev), and
 * the files they hold ({@link CgroupFiles}). A new controller reader is opened in {@link #open} and read in
 * {@link #read} into a field of {@link StatsSample}.
 * <p>
 * Descriptor budget: at most {@value #MAX_HELD} held per container (v1/hybrid: cpuacct.usage, cpuacct.stat, cpu.stat,
 * memory.usage_in_bytes, memory.limit_in_bytes, memory.stat, pids.current, blkio.throttle.io_service_bytes,
 * blkio.throttle.io_serviced, cgroup.procs, /proc/PID/net/dev; v2: cpu.stat, memory.current, memory.max,
 * memory.stat, pids.current, io.stat, /proc/PID/net/dev, plus cgroup.procs when there is no io.stat; no net/dev for a
 * container in the host's network namespace), and one more for a moment while the per-process I/O fallback reads
 * each /proc/PID/io: {@value #BUDGET} in all. The sampler holds one more, /proc/stat, for all containers. Among
 * them, the pressure files ({@link PressureFiles}: 3 where the kernel has PSI) and the memory event counters
 * ({@link MemoryEventFiles}: memory.oom_control and memory.failcnt on v1, memory.events on v2).
 */
final class ContainerReader implements AutoCloseable {

    static final int MAX_HELD = 11 + PressureFiles.FILES + MemoryEventFiles.MAX_FILES;
    static final int BUDGET = MAX_HELD + 1;

    /** A cgroup found from the PID that does not name the container: not read, rather than read someone else's. */
    static final class NotTheContainer extends IOException {
        NotTheContainer(String message) {
            super(message);
        }
    }

    private final String containerId;
    private final int pid;
    private final CgroupFiles files;
    private final CpuReader cpu;
    private final MemoryReader memory;
    private final KernelFile pidsCurrent;
    private final DiskReader disk;
    private final NetworkReader network;
    private final PressureFiles pressure;
    private final MemoryEventFiles memoryEvents;
    /** Scratch for keyed reads, shared by the readers (one container is read at a time). */
    private final long[] values = new long[8];
    private StatsSample last;
    /** Whether the CPU counter moved in the pass before this one. */
    private boolean ranBefore;

    private ContainerReader(String containerId, int pid, CgroupFiles files, CpuReader cpu, MemoryReader memory,
                            KernelFile pidsCurrent, DiskReader disk, NetworkReader network, PressureFiles pressure,
                            MemoryEventFiles memoryEvents) {
        this.containerId = containerId;
        this.pid = pid;
        this.files = files;
        this.cpu = cpu;
        this.memory = memory;
        this.pidsCurrent = pidsCurrent;
        this.disk = disk;
        this.network = network;
        this.pressure = pressure;
        this.memoryEvents = memoryEvents;
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
        Path procDir = procRoot.resolve(Integer.toString(pid));
        CgroupFiles.Dirs dirs = CgroupFiles.Dirs.of(layout, ProcCgroup.parse(Files.readString(procDir.resolve("cgroup"))));
        CgroupFiles files = new CgroupFiles();
        try {
            CpuReader cpu = CpuReader.open(dirs, files);
            MemoryReader memory = MemoryReader.open(dirs, files);
            KernelFile pids = files.hold(dirs.pids() != null ? dirs.pids() : dirs.unified(), "pids.current", false);
            DiskReader disk = DiskReader.open(dirs, files, procRoot);
            MemoryEventFiles memoryEvents = MemoryEventFiles.open(dirs.memory() != null ? dirs.memory()
                    : memory != null && memory.v2() ? dirs.unified() : null, dirs.memory() == null, files);
            // On hybrid hosts only pressure comes from the unified directory: it must name the container by itself.
            Path unified = dirs.unified();
            PressureFiles pressure = PressureFiles.open(unified != null && unified.toString().contains(containerId) ? unified : null, files);
            if ((cpu == null || !cpu.accounts()) && (memory == null || !memory.accounts())) {
                throw new IOException("no cpu or memory accounting for PID " + pid + " under " + layout);
            }
            files.checkNames(containerId, pid);
            NetworkReader network = NetworkReader.open(procRoot, procDir, files, includeLoopback);
            return new ContainerReader(containerId, pid, files, cpu, memory, pids, disk, network, pressure, memoryEvents);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    String containerId() {
        return containerId;
    }

    int pid() {
        return pid;
    }

    int openFiles() {
        return files.count();
    }

    DiskReader.Source diskSource() {
        return disk.source();
    }

    /** The first cgroup directory read, for logs. */
    String cgroup() {
        return files.firstDir();
    }

    /**
     * Reads what can have changed since the last read. {@code hostNanos}/{@code onlineCpus} come from the pass's single
     * read of /proc/stat.
     *
     * @throws IOException when the cgroup or the process is gone (the container stopped; untrack follows)
     */
    StatsSample read(Scan s, long hostNanos, int onlineCpus, Instant readAt) throws IOException {
        StatsSample.Cpu before = last == null ? null : last.cpu();
        StatsSample.Cpu now = cpu == null ? null : cpu.read(s, values, hostNanos, onlineCpus, before);
        // What only the container's own processes can change is not read again while they have not run: the CPU
        // counter is the proof (see CpuReader and DiskReader). Memory, network and CPU pressure change without them.
        boolean ran = before == null || now == null || now.totalNanos() != before.totalNanos();
        // Memory events (a charge at the limit, an OOM kill, whose victim runs to exit) and memory or I/O stalls begin
        // in a run of the container's tasks (a stall still going on keeps its totals moving: see PressureFiles). One
        // pass after the last run is read too, so that whatever began just before a read is seen moving in the next.
        boolean recent = ran || ranBefore;
        ranBefore = ran;
        last = new StatsSample(containerId, readAt, now,
                memory == null ? null : memory.read(s, values),
                pidsCurrent == null ? null : ran ? boxed(pidsCurrent.into(s).single()) : last.pids(),
                network == null ? List.of() : network.read(s),
                disk.read(s, values, ran ? null : last.disks()),
                pressure == null ? null : pressure.read(s, recent),
                memoryEvents == null ? null : recent ? memoryEvents.read(s) : last.memoryEvents());
        return last;
    }

    @Override
    public void close() {
        files.close();
    }
}
