package io.phoenix.metrics.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's image, built by scripts/image.sh, run the way k8s/base's DaemonSet runs it (see
 * {@link PodSpecAsDockerRun}: env, read-only host mounts, user, read-only root, capabilities, memory limit, probes,
 * read from the rendered manifest), serves a Docker and a Podman container of this machine from the cgroup files,
 * and answers its liveness and readiness probes. The pod has its own network namespace and this machine's Docker
 * has no bridge, so the container gets only loopback ({@code --network none}); the probes and scrapes enter that
 * namespace with nsenter and ask 127.0.0.1 on the container port, as the kubelet asks the pod's address.
 * Runs under failsafe (after package: the image needs target/quarkus-app).
 */
@Tag("engine")
class DaemonSetImageIT {

    private static final EngineFixture DOCKER = new EngineFixture(Engine.DOCKER);
    private static final EngineFixture PODMAN = new EngineFixture(Engine.PODMAN);
    private static final String AGENT = EngineFixture.uniqueName("daemonset-agent");
    private static final String DOCKER_WORKLOAD = EngineFixture.uniqueName("ds-docker");
    private static final String PODMAN_WORKLOAD = EngineFixture.uniqueName("ds-podman");
    private static PodSpecAsDockerRun pod;
    private static int agentPid;

    @BeforeAll
    static void buildAndRun() throws Exception {
        long t0 = System.nanoTime();
        String built = run(600, "bash", Manifests.PROJECT.resolve("scripts/image.sh").toString(), "--no-package");
        System.out.printf("[DaemonSetImageIT] scripts/image.sh: %s (%d s)%n", built.strip(), (System.nanoTime() - t0) / 1_000_000_000L);

        JsonNode daemonSet = Manifests.single(Manifests.render(Manifests.K8S.resolve("base")), "DaemonSet");
        pod = new PodSpecAsDockerRun(daemonSet, Engine.runtimeDir());
        assertTrue(built.startsWith(pod.image + " "), "image.sh built " + built + ", the DaemonSet runs " + pod.image);

        DOCKER.run(DOCKER_WORKLOAD, "sleep", "300");
        PODMAN.run(PODMAN_WORKLOAD, "sleep", "300");

        List<String> command = new ArrayList<>(List.of("docker", "run", "-d", "--name", AGENT));
        command.addAll(pod.options);
        // The one addition to the manifest: engines shared by several test runs on 2 cores can take well over the
        // default 5 s to answer; the agent would keep reporting them unavailable.
        command.addAll(List.of("-e", "METRICS_DISCOVERY_REQUEST_TIMEOUT=60s"));
        command.add(pod.image);
        run(60, command.toArray(String[]::new));
        agentPid = Integer.parseInt(run(30, "docker", "inspect", "-f", "{{.State.Pid}}", AGENT).strip());
    }

    @AfterAll
    static void remove() throws Exception {
        try {
            run(60, "docker", "rm", "-f", "-v", AGENT);
        } finally {
            DOCKER.close();
            PODMAN.close();
        }
    }

    @Test
    void answersProbesAndServesBothEnginesFromCgroups() throws Exception {
        long t0 = System.nanoTime();
        // Budget of the probes as the manifest sets them (the kubelet restarts the pod after this), at least 60 s on
        // this busy 2-core machine.
        PodSpecAsDockerRun.Probe live = pod.liveness;
        PodSpecAsDockerRun.Probe ready = pod.readiness;
        long budget = Math.max(60, Math.max(live.initialDelaySeconds() + live.periodSeconds() * live.failureThreshold(),
                ready.initialDelaySeconds() + ready.periodSeconds() * ready.failureThreshold()));
        awaitStatus(live, 200, budget);
        awaitStatus(ready, 200, budget);
        System.out.printf("[DaemonSetImageIT] live and ready after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        // Ready needs one engine; the other may still be answering its first request on a loaded machine.
        long upBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        JsonObject runtimes = new JsonObject(get(ready.port(), "/api/runtimes"));
        while (runtimes.getInteger("reachable") < 2 && System.nanoTime() < upBy) {
            Thread.sleep(500);
            runtimes = new JsonObject(get(ready.port(), "/api/runtimes"));
        }
        assertEquals("cgroup", runtimes.getString("source"), runtimes.encode());
        assertEquals(2, runtimes.getInteger("reachable"), runtimes.encode());

        String docker = DOCKER_WORKLOAD;
        String podman = PODMAN_WORKLOAD;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String metrics = "";
        while (System.nanoTime() < deadline) {
            metrics = get(ready.port(), "/metrics");
            if (has(metrics, docker, "docker") && has(metrics, podman, "podman")) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(has(metrics, docker, "docker"), "no cgroup CPU/memory series for " + docker + "\n" + logs());
        assertTrue(has(metrics, podman, "podman"), "no cgroup CPU/memory series for " + podman + "\n" + logs());
        assertTrue(Pattern.compile("(?m)^phoenix_stats_source\\{source=\"cgroup\",?} 1(\\.0)?$").matcher(metrics).find(),
                "stats source is not cgroup");

        // Docker applied what the manifest asked for.
        JsonNode host = Manifests.YAML.readTree(run(30, "docker", "inspect", "-f", "{{json .HostConfig}}", AGENT));
        assertTrue(host.get("ReadonlyRootfs").asBoolean(), host.toString());
        assertEquals(Set.of("ALL"), capabilities(host.get("CapDrop")));
        assertEquals(Set.of("SYS_PTRACE", "DAC_READ_SEARCH"), capabilities(host.get("CapAdd")));
    }

    /** Docker writes capabilities with or without the CAP_ prefix, depending on its version. */
    private static Set<String> capabilities(JsonNode list) {
        Set<String> names = new TreeSet<>();
        list.forEach(c -> names.add(c.asText().replaceFirst("^CAP_", "")));
        return names;
    }

    /** CPU time and working set of the named container, from the cgroup source, on the agent's page. */
    private static boolean has(String metrics, String name, String runtime) {
        String labels = "\\{[^}]*container_name=\"" + Pattern.quote(name) + "\"[^}]*runtime=\"" + runtime + "\"[^}]*}";
        return Pattern.compile("(?m)^container_cpu_usage_seconds_total" + labels + " [0-9.eE+-]+$").matcher(metrics).find()
                && Pattern.compile("(?m)^container_memory_working_set_bytes" + labels + " [1-9][0-9.eE+]*$").matcher(metrics).find();
    }

    private static void awaitStatus(PodSpecAsDockerRun.Probe probe, int status, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = curl(probe.port(), probe.path(), "%{http_code}", "/dev/null").strip();
            } catch (AssertionError notListeningYet) {
                last = notListeningYet.getMessage();
            }
            if (last.equals(Integer.toString(status))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(probe.path() + " answered " + last + " for " + seconds + " s\n" + logs());
    }

    private static String get(int port, String path) throws Exception {
        return curl(port, path, "", "-");
    }

    /** curl inside the agent container's network namespace, to its loopback. */
    private static String curl(int port, String path, String writeOut, String output) throws Exception {
        return run(15, "nsenter", "-t", Integer.toString(agentPid), "-n", "curl", "-s", "--max-time", "5",
                "-o", output, "-w", writeOut, "http://127.0.0.1:" + port + path);
    }

    private static String logs() {
        try {
            String all = run(30, "bash", "-c", "docker logs \"$1\" 2>&1 | tail -n 40", "logs", AGENT);
            return "agent log:\n" + all;
        } catch (Exception e) {
            return "(no agent log: " + e + ")";
        }
    }

    /** A command with DOCKER_HOST on the test Docker; its stdout, or an assertion naming its output on failure. */
    static String run(int seconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(Manifests.PROJECT.toFile()).redirectErrorStream(false);
        builder.environment().put("DOCKER_HOST", Engine.DOCKER.uri());
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " took over " + seconds + " s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ": " + out);
        }
        return out;
    }
}
