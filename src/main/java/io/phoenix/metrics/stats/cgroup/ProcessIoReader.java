package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The disk fallback: the sum of read_bytes/write_bytes (bytes that reached the block layer, the same quantity blkio
 * counts) of the cgroup's processes; each includes its threads and the children it has reaped. Holds cgroup.procs
 * open and one /proc/PID/io for a moment at a time.
 */
final class ProcessIoReader {

    /** Device label of the fallback. */
    static final String ALL_PROCESSES = "all";
    private static final byte[][] PROC_IO_KEYS = {Scan.ascii("read_bytes"), Scan.ascii("write_bytes")};

    private final KernelFile procs;
    private final Path procRoot;
    private final ReadBuffers.Pids processes = new ReadBuffers.Pids();
    private long readBytes;
    private long writeBytes;

    ProcessIoReader(KernelFile procs, Path procRoot) {
        this.procs = procs;
        this.procRoot = procRoot;
    }

    /** Null when the container has no cgroup.procs to list its processes. */
    static ProcessIoReader open(CgroupFiles.Dirs dirs, CgroupFiles files, Path procRoot) throws IOException {
        KernelFile procs = files.hold(dirs.anyOwn(), "cgroup.procs", true);
        return procs == null ? null : new ProcessIoReader(procs, procRoot);
    }

    /**
     * Kept monotonic: a process that exits unreaped by a process of the container takes its bytes along, and the
     * counter must not go back. Null when /proc/PID/io may not be read (it needs ptrace-read access, CAP_SYS_PTRACE
     * in a container).
     */
    StatsSample.Disk read(Scan s, long[] values) throws IOException {
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
        readBytes = Math.max(readBytes, read);
        writeBytes = Math.max(writeBytes, write);
        return new StatsSample.Disk(ALL_PROCESSES, readBytes, writeBytes, null, null);
    }
}
