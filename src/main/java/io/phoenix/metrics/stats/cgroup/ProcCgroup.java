package io.phoenix.metrics.stats.cgroup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The content of {@code /proc/PID/cgroup}: one line per hierarchy, {@code ID:CONTROLLERS:PATH}. cgroup v1 lines
 * name their controllers ({@code 4:memory:/docker/ID}, {@code 1:cpu,cpuacct:/...}, {@code 9:name=systemd:/...});
 * the v2 line has ID 0 and no controllers ({@code 0::/system.slice/docker-ID.scope}). A hybrid host has both.
 * Paths are relative to the reader's cgroup namespace root (the host's when the agent runs in the host's namespace).
 *
 * @param v1      controller (or "name=X") to its path
 * @param unified the v2 path, if the process has one
 */
record ProcCgroup(Map<String, String> v1, Optional<String> unified) {

    static ProcCgroup parse(String content) {
        Map<String, String> v1 = new LinkedHashMap<>();
        String unified = null;
        int lineStart = 0;
        while (lineStart < content.length()) {
            int lineEnd = content.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = content.length();
            }
            int first = content.indexOf(':', lineStart);
            int second = first < 0 || first >= lineEnd ? -1 : content.indexOf(':', first + 1);
            if (second >= 0 && second < lineEnd) {
                String hierarchy = content.substring(lineStart, first);
                String controllers = content.substring(first + 1, second);
                String path = content.substring(second + 1, lineEnd).strip();
                if (controllers.isEmpty()) {
                    if ("0".equals(hierarchy)) {
                        unified = path;
                    }
                } else {
                    int start = 0;
                    while (start <= controllers.length()) {
                        int comma = controllers.indexOf(',', start);
                        int end = comma < 0 ? controllers.length() : comma;
                        if (end > start) {
                            v1.put(controllers.substring(start, end), path);
                        }
                        start = end + 1;
                    }
                }
            }
            lineStart = lineEnd + 1;
        }
        return new ProcCgroup(Map.copyOf(v1), Optional.ofNullable(unified));
    }

    Optional<String> v1(String controller) {
        return Optional.ofNullable(v1.get(controller));
    }
}
