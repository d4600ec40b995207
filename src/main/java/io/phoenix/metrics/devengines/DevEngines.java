package io.phoenix.metrics.devengines;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Dev mode on a machine without a container engine: starts the project's private Docker and Podman with
 * {@code scripts/runtimes.sh up} (as Dev Services start a database), so the live page has something to show.
 * Never stops them: they outlive the dev session like any engine, and {@code scripts/runtimes.sh down} stops them.
 */
public final class DevEngines {

    private static final Logger LOG = Logger.getLogger(DevEngines.class);
    /** Set once this JVM started (or found) the private engines: the runtime directory. */
    static final String STARTED = "phoenix.dev.engines.started";
    private static final long START_TIMEOUT_SECONDS = 600; // a first run installs the packages

    private final Map<String, String> env;
    private final Predicate<Path> exists;
    private final Path project;

    DevEngines(Map<String, String> env, Predicate<Path> exists, Path project) {
        this.env = env;
        this.exists = exists;
        this.project = project;
    }

    static DevEngines system() {
        return new DevEngines(System.getenv(), Files::exists, Path.of(System.getProperty("user.dir")));
    }

    /** What auto-detection would find: an engine variable, or a well-known Docker, Podman or CRI socket. */
    boolean anySocketFound() {
        for (String variable : List.of("DOCKER_HOST", "CONTAINER_HOST", "CONTAINER_RUNTIME_ENDPOINT")) {
            String value = env.get(variable);
            if (value != null && value.startsWith("unix://")) {
                return true;
            }
        }
        List<Path> wellKnown = new java.util.ArrayList<>(List.of(Path.of("/var/run/docker.sock"),
                Path.of("/run/podman/podman.sock"), Path.of("/run/containerd/containerd.sock"),
                Path.of("/var/run/crio/crio.sock")));
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            wellKnown.add(Path.of(xdg, "podman", "podman.sock"));
        }
        return wellKnown.stream().anyMatch(exists);
    }

    Path runtimeDir() {
        String dir = env.get("PHOENIX_RUNTIME_DIR");
        return Path.of(dir == null || dir.isBlank() ? "/tmp/phoenix-runtimes" : dir);
    }

    /** The private engines' sockets as metrics.runtimes, once scripts/runtimes.sh says they are up. */
    Optional<String> start() {
        String already = System.getProperty(STARTED);
        if (already != null) {
            return Optional.of(runtimes(Path.of(already)));
        }
        Path script = project.resolve("scripts/runtimes.sh");
        if (!Files.isRegularFile(script)) {
            LOG.warnf("Dev engines: no container engine socket found, and no %s to start the project's own", script);
            return Optional.empty();
        }
        LOG.infof("Dev engines: no container engine socket found; starting the project's private Docker and Podman "
                + "(%s up, sockets under %s). Set phoenix.dev.engines=false to turn this off.", script, runtimeDir());
        try {
            Path log = Files.createTempFile("phoenix-dev-engines-", ".log");
            Process process = new ProcessBuilder("bash", script.toString(), "up").directory(project.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String output = Files.readString(log);
            Files.deleteIfExists(log);
            if (!done || process.exitValue() != 0) {
                process.destroy();
                LOG.warnf("Dev engines: %s up failed; the agent runs without engines:%n%s", script, output.strip());
                return Optional.empty();
            }
            System.setProperty(STARTED, runtimeDir().toString());
            LOG.infof("Dev engines: up (%s)", output.strip().replace('\n', ';'));
            return Optional.of(runtimes(runtimeDir()));
        } catch (IOException e) {
            LOG.warnf("Dev engines: could not run %s: %s", script, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static String runtimes(Path dir) {
        return "unix://" + dir.resolve("docker.sock") + ",unix://" + dir.resolve("podman.sock");
    }
}
