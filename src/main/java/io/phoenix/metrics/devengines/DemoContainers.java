package io.phoenix.metrics.devengines;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One or two labelled demo containers on the private engines, made with the engines' own command-line clients (the
 * agent itself only ever reads from engines), and removed again on {@link #removeAll()}.
 */
final class DemoContainers {

    private static final Logger LOG = Logger.getLogger(DemoContainers.class);
    static final String LABEL = "phoenix.demo=dev";

    private final Path runtimeDir;
    private final String prefix;
    private final List<List<String>> created = new java.util.concurrent.CopyOnWriteArrayList<>(); // remove commands

    DemoContainers(Path runtimeDir, String prefix) {
        this.runtimeDir = runtimeDir;
        this.prefix = prefix;
    }

    /** docker, or podman in remote mode, pointed at the private engine's socket. */
    List<String> client(String engine) {
        return engine.equals("docker")
                ? List.of("docker", "--host", "unix://" + runtimeDir.resolve("docker.sock"))
                : List.of("podman", "--remote", "--url", "unix://" + runtimeDir.resolve("podman.sock"));
    }

    /** Starts the demo containers on each engine that has no container at all. */
    void startWhereEmpty() {
        for (String engine : List.of("docker", "podman")) {
            String existing = run(engine, "ps", "-aq");
            if (existing != null && existing.isBlank()) {
                start(engine);
            }
        }
    }

    /** A ticker on Docker, a small worker on Podman: a little CPU, memory and process activity to look at. */
    void start(String engine) {
        String name = prefix + (engine.equals("docker") ? "ticker" : "worker");
        String work = engine.equals("docker")
                ? "while :; do date >/tmp/now; sleep 1; done"
                : "while :; do dd if=/dev/zero of=/dev/null bs=64k count=200 2>/dev/null; sleep 2; done";
        String image = engine.equals("docker") ? "busybox:local" : "localhost/busybox:latest";
        if (run(engine, "run", "-d", "--name", name, "--label", LABEL, "--network", "none", "--memory", "32m",
                image, "sh", "-c", work) != null) {
            List<String> remove = new ArrayList<>(client(engine));
            remove.addAll(List.of("rm", "-f", name));
            created.add(remove);
            LOG.infof("Dev engines: started demo container %s on %s (label %s; removed when the agent stops)", name, engine, LABEL);
        }
    }

    List<String> names() {
        return created.stream().map(c -> c.get(c.size() - 1)).toList();
    }

    void removeAll() {
        for (List<String> remove : created) {
            exec(remove);
        }
        created.clear();
    }

    private String run(String engine, String... args) {
        List<String> command = new ArrayList<>(client(engine));
        command.addAll(List.of(args));
        return exec(command);
    }

    /** Standard output, or null (logged) when the command fails. */
    private static String exec(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroy();
                LOG.warnf("Dev engines: %s failed: %s", String.join(" ", command), out.strip());
                return null;
            }
            return out;
        } catch (IOException e) {
            LOG.warnf("Dev engines: %s: %s", String.join(" ", command), e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
