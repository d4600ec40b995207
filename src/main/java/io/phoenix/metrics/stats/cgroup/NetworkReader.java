package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Per-interface counters from /proc/PID/net/dev (network is not a cgroup controller: it is the namespace's). */
final class NetworkReader {

    private final KernelFile netDev;
    private final boolean includeLoopback;
    private final ReadBuffers.Names interfaces = new ReadBuffers.Names();

    private NetworkReader(KernelFile netDev, boolean includeLoopback) {
        this.netDev = netDev;
        this.includeLoopback = includeLoopback;
    }

    /** Null for a container in the host's network namespace. */
    static NetworkReader open(Path procRoot, Path procDir, CgroupFiles files, boolean includeLoopback) throws IOException {
        if (inHostNetwork(procRoot, procDir)) {
            return null;
        }
        return new NetworkReader(files.holdProc(procDir.resolve("net").resolve("dev")), includeLoopback);
    }

    /**
     * A container in the host's network namespace ({@code --network host}) would show the host's interfaces in its
     * net/dev; the runtimes report no networks for it, and so does this. "The host's" is PID 1's namespace, or the
     * agent's own where PID 1's may not be read (a supervisor with more capabilities than the agent, as on the build
     * machines); when the container's own link cannot be read (a recorded tree) its interfaces are read.
     */
    private static boolean inHostNetwork(Path procRoot, Path procDir) {
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

    List<StatsSample.Network> read(Scan s) throws IOException {
        List<StatsSample.Network> out = new ArrayList<>(4);
        KernelFormats.netDev(netDev.into(s), includeLoopback, interfaces, out);
        return out;
    }
}
