package io.phoenix.metrics.stats.cgroup;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files one container's readers hold open, counted against the descriptor budget, and the cgroup directories
 * they came from (checked to name the container before anything is read). Closing it closes every file.
 */
final class CgroupFiles implements AutoCloseable {

    /** The controller directories of one process, null where the host has no such controller. */
    record Dirs(Path cpuacct, Path cpu, Path memory, Path pids, Path blkio, Path unified) {

        static Dirs of(CgroupLayout layout, ProcCgroup cgroup) {
            return new Dirs(layout.v1(cgroup, "cpuacct").orElse(null), layout.v1(cgroup, "cpu").orElse(null),
                    layout.v1(cgroup, "memory").orElse(null), layout.v1(cgroup, "pids").orElse(null),
                    layout.v1(cgroup, "blkio").orElse(null), layout.unified(cgroup).orElse(null));
        }

        /** Where cgroup.procs is read: any v1 controller of the container, else the unified directory. */
        Path anyOwn() {
            for (Path dir : new Path[]{pids, cpuacct, memory, blkio, unified}) {
                if (dir != null) {
                    return dir;
                }
            }
            return null;
        }
    }

    private final List<KernelFile> held = new ArrayList<>(ContainerReader.MAX_HELD);
    private final Set<Path> used = new LinkedHashSet<>();

    /** Opens DIR/NAME if both exist and keeps it; notes the directory as one the sample comes from. */
    KernelFile hold(Path dir, String name, boolean multiRecord) throws IOException {
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

    /** The first of the names that exists in DIR (the kernel renamed some files across versions). */
    KernelFile holdFirst(Path dir, String... names) throws IOException {
        for (String name : names) {
            KernelFile file = hold(dir, name, false);
            if (file != null) {
                return file;
            }
        }
        return null;
    }

    /** A file outside the cgroup tree (under /proc/PID), kept open like the others. */
    KernelFile holdProc(Path path) throws IOException {
        KernelFile file = KernelFile.open(path, true);
        held.add(file);
        return file;
    }

    /**
     * @throws ContainerReader.NotTheContainer when a directory read does not name the container (PID reused, no own
     *                                         cgroup, or a cgroup namespace hides the path)
     */
    void checkNames(String containerId, int pid) throws ContainerReader.NotTheContainer {
        for (Path dir : used) {
            if (!dir.toString().contains(containerId)) {
                throw new ContainerReader.NotTheContainer("cgroup " + dir + " of PID " + pid + " does not name container " + containerId);
            }
        }
    }

    /** The first cgroup directory read, for logs. */
    String firstDir() {
        return used.isEmpty() ? "" : used.iterator().next().toString();
    }

    int count() {
        return held.size();
    }

    @Override
    public void close() {
        for (KernelFile file : held) {
            file.close();
        }
        held.clear();
    }
}
