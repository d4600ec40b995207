package io.phoenix.metrics.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * This JVM's descriptors, each named by what it points at. A socket is named from the kernel's socket tables:
 * {@code tcp:<local port>-><remote port>} or {@code unix:<path>} (an unbound client end is plain {@code unix}), so a
 * test can tell a connection to a runtime from the loopback HTTP connections of its own clients, which the HTTP
 * client library keeps until they are collected.
 */
public record OpenFiles(Map<String, String> byFd) {

    public static OpenFiles now() {
        Map<String, String> sockets = sockets();
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    files.put(fd.getFileName().toString(), target.startsWith("socket:")
                            ? sockets.getOrDefault(target.substring(8, target.length() - 1), "socket") : target);
                } catch (IOException e) {
                    // closed between the listing and the read
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new OpenFiles(files);
    }

    /** Without the TCP connections from or to {@code port} (the agent's own HTTP port in a test). */
    public OpenFiles without(int port) {
        String local = "tcp:" + port + "->";
        String remote = "->" + port;
        return new OpenFiles(byFd.entrySet().stream()
                .filter(e -> !e.getValue().startsWith(local) && !e.getValue().endsWith(remote))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)));
    }

    public int size() {
        return byFd.size();
    }

    /** The kinds of descriptors here and not in {@code before}, counted: "unix:/run/docker.sock x2, pipe x1". */
    public String newSince(OpenFiles before) {
        return byFd.entrySet().stream().filter(e -> !e.getValue().equals(before.byFd.get(e.getKey())))
                .map(e -> e.getValue().replaceAll("\\[\\d+]$", "").replaceAll("^/proc/\\d+/", "/proc/<pid>/")
                        .replaceAll("^tcp:\\d+->", "tcp:*->"))
                .collect(Collectors.groupingBy(kind -> kind, TreeMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Socket inode to name, from /proc/self/net/{tcp,tcp6,unix}. */
    private static Map<String, String> sockets() {
        Map<String, String> names = new HashMap<>();
        for (String table : List.of("tcp", "tcp6")) {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            for (String[] row : rows(table)) {
                if (row.length > 9) {
                    names.put(row[9], "tcp:" + port(row[1]) + "->" + port(row[2]));
                }
            }
        }
        // Num RefCount Protocol Flags Type St Inode [Path]
        for (String[] row : rows("unix")) {
            if (row.length > 6) {
                names.put(row[6], row.length > 7 ? "unix:" + row[7] : "unix");
            }
        }
        return names;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    private static List<String[]> rows(String table) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/net", table))) {
            return lines.skip(1).map(String::trim).map(l -> l.split("\\s+")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
