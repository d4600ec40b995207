package io.phoenix.metrics.stats.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How the cgroup file systems are mounted under the configured root (default /sys/fs/cgroup, or e.g.
 * /host/sys/fs/cgroup in a DaemonSet):
 * <ul>
 *   <li>v2 (unified): the root itself is a cgroup2 mount ({@code ROOT/cgroup.controllers} exists);</li>
 *   <li>v1: one directory per hierarchy, named by its controllers ({@code memory}, {@code cpu,cpuacct}, with or
 *       without the {@code cpu}/{@code cpuacct} links systemd makes), {@code systemd} for name=systemd;</li>
 *   <li>hybrid: v1 directories plus the cgroup2 mount at {@code ROOT/unified}, usually without controllers.</li>
 * </ul>
 * Each measurement is read from the v1 controller when that is mounted, else from the unified hierarchy.
 */
final class CgroupLayout {

    enum Kind {
        V1, V2, HYBRID, NONE
    }

    private final Path root;
    private final Map<String, Path> v1Mounts;
    private final Path unified;

    private CgroupLayout(Path root, Map<String, Path> v1Mounts, Path unified) {
        this.root = root;
        this.v1Mounts = Map.copyOf(v1Mounts);
        this.unified = unified;
    }

    static CgroupLayout detect(Path root) {
        if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
            return new CgroupLayout(root, Map.of(), root);
        }
        Map<String, Path> mounts = new HashMap<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(Files::isDirectory).forEach(dir -> {
                String name = dir.getFileName().toString();
                if ("unified".equals(name)) {
                    return;
                }
                for (String controller : name.split(",")) {
                    // a real "cpu,cpuacct" directory and its "cpu" link both land here; either one is right
                    mounts.putIfAbsent(controller, dir);
                }
                if ("systemd".equals(name)) {
                    mounts.putIfAbsent("name=systemd", dir);
                }
            });
        } catch (IOException | RuntimeException e) {
            return new CgroupLayout(root, Map.of(), null);
        }
        Path hybrid = root.resolve("unified");
        return new CgroupLayout(root, mounts, Files.isRegularFile(hybrid.resolve("cgroup.controllers")) ? hybrid : null);
    }

    Kind kind() {
        if (v1Mounts.isEmpty()) {
            return unified == null ? Kind.NONE : Kind.V2;
        }
        return unified == null ? Kind.V1 : Kind.HYBRID;
    }

    Path root() {
        return root;
    }

    /** The directory of {@code controller}'s v1 hierarchy for this process, when mounted and present. */
    Optional<Path> v1(ProcCgroup cgroup, String controller) {
        Path mount = v1Mounts.get(controller);
        if (mount == null) {
            return Optional.empty();
        }
        return cgroup.v1(controller).filter(CgroupLayout::visible).map(path -> under(mount, path)).filter(Files::isDirectory);
    }

    /** The process's directory in the unified hierarchy, when mounted and present. */
    Optional<Path> unified(ProcCgroup cgroup) {
        if (unified == null) {
            return Optional.empty();
        }
        return cgroup.unified().filter(CgroupLayout::visible).map(path -> under(unified, path)).filter(Files::isDirectory);
    }

    /** A path outside the reader's cgroup namespace shows as "/../.."; it cannot be found under the mount. */
    private static boolean visible(String cgroupPath) {
        return !cgroupPath.equals("/..") && !cgroupPath.startsWith("/../") && !cgroupPath.contains("/../");
    }

    private static Path under(Path mount, String cgroupPath) {
        String relative = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        return relative.isEmpty() ? mount : mount.resolve(relative).normalize();
    }

    @Override
    public String toString() {
        return kind().name().toLowerCase(java.util.Locale.ROOT) + " at " + root;
    }
}
