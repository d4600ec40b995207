package io.phoenix.metrics.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.cri.CriDriver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's image, built by scripts/image.sh, run the way the kit's DaemonSets run it (see
 * {@link PodSpecAsDockerRun}: env, read-only host mounts, user, read-only root, capabilities, memory limit, probes,
 * read from the rendered manifest): k8s/base's serves a Docker and a Podman container of this machine from the cgroup
 * files, k8s/overlays/containerd's a pod of the CRI containerd of scripts/runtimes.sh (the node's
 * /run/containerd/containerd.sock here), and both answer their liveness and readiness probes. A pod has its own
 * network namespace and this machine's Docker has no bridge, so each agent gets only loopback ({@code --network
 * none}); the probes and scrapes enter that namespace with nsenter and ask 127.0.0.1 on the container port, as the
 * kubelet asks the pod's address.
 * <p>
 * What the containerd overlay does not get exactly as on a node: its socket is this machine's CRI containerd (a second
 * containerd with the CRI plugin, under /tmp/phoenix-runtimes/cri), reached through the same /host/phoenix-runtimes
 * mount as the base's Docker and Podman sockets, since this machine's /run/containerd has no CRI containerd. The env
 * (METRICS_AUTODETECT=true, no METRICS_RUNTIMES, CONTAINER_RUNTIME_ENDPOINT) is the overlay's, so the agent finds the
 * runtime the way it does on a node: by crictl's variable, with nothing else to detect inside the pod.
 * Runs under failsafe (after package: the image needs target/quarkus-app).
 */
@Tag("engine")
class DaemonSetImageIT {

    private static final EngineFixture DOCKER = new EngineFixture(Engine.DOCKER);
    private static final EngineFixture PODMAN = new EngineFixture(Engine.PODMAN);
    private static final String DOCKER_WORKLOAD = EngineFixture.uniqueName("ds-docker");
    private static final String PODMAN_WORKLOAD = EngineFixture.uniqueName("ds-podman");
    /** The CRI containerd that stands in for the node's /run/containerd/containerd.sock. */
    private static final Path CRI_SOCKET = Engine.runtimeDir().resolve(PodSpecAsDockerRun.STAND_INS.get("/run/containerd/containerd.sock"));
    private static final String CRI_POD = EngineFixture.uniqueName("ds-cri");
    private static final String CRI_NAMESPACE = EngineFixture.RUN_ID + "-ns";
    /** How long the workloads live: longer than both tests together take on a loaded machine; removed at the end. */
    private static final String LIFETIME = "1200";

    private static Agent base;
    private static Agent containerd;
    private static CriDriver cri;
    private static String criContainer;

    @BeforeAll
    static void buildAndRun() throws Exception {
        long t0 = System.nanoTime();
        String built = run(600, "bash", Manifests.PROJECT.resolve("scripts/image.sh").toString(), "--no-package");
        System.out.printf("[DaemonSetImageIT] scripts/image.sh: %s (%d s)%n", built.strip(), (System.nanoTime() - t0) / 1_000_000_000L);

        base = new Agent("base");
        containerd = new Agent("overlays/containerd");
        for (Agent agent : List.of(base, containerd)) {
            assertTrue(built.startsWith(agent.pod.image + " "), "image.sh built " + built + ", " + agent.kustomization + " runs " + agent.pod.image);
        }

        DOCKER.run(DOCKER_WORKLOAD, "sleep", LIFETIME);
        PODMAN.run(PODMAN_WORKLOAD, "sleep", LIFETIME);
        cri = new CriDriver("unix://" + CRI_SOCKET);
        criContainer = runCriPod();

        base.start();
        containerd.start();
    }

    @AfterAll
    static void remove() throws Exception {
        try {
            for (Agent agent : new Agent[] {base, containerd}) {
                if (agent != null) {
                    run(60, "docker", "rm", "-f", "-v", agent.name);
                }
            }
        } finally {
            try {
                if (cri != null) {
                    cri.removePod(CRI_POD);
                    cri.close();
                }
            } finally {
                DOCKER.close();
                PODMAN.close();
            }
        }
    }

    @Test
    void baseAnswersProbesAndServesDockerAndPodmanFromCgroups() throws Exception {
        Agent agent = base;
        agent.awaitLiveAndReady();
        // Ready needs one engine; the other may still be answering its first request on a loaded machine.
        JsonObject runtimes = agent.awaitReachable(2);
        assertEquals("cgroup", runtimes.getString("source"), runtimes.encode());
        assertEquals(2, runtimes.getInteger("reachable"), runtimes.encode());

        Map<String, String> docker = Map.of("container_name", DOCKER_WORKLOAD, "runtime", "docker");
        Map<String, String> podman = Map.of("container_name", PODMAN_WORKLOAD, "runtime", "podman");
        String metrics = agent.awaitMetrics(m -> hasCgroupSeries(m, docker) && hasCgroupSeries(m, podman));
        assertTrue(hasCgroupSeries(metrics, docker), "no cgroup CPU/memory series for " + DOCKER_WORKLOAD + "\n" + agent.logs());
        assertTrue(hasCgroupSeries(metrics, podman), "no cgroup CPU/memory series for " + PODMAN_WORKLOAD + "\n" + agent.logs());
        assertCgroupSource(metrics);
        agent.assertSecurityApplied();
    }

    @Test
    void containerdOverlayAnswersProbesAndServesACriPodFromCgroups() throws Exception {
        Agent agent = containerd;
        // The overlay's env as rendered, the socket mapped onto this machine's CRI containerd.
        assertEquals("true", agent.pod.env.get("METRICS_AUTODETECT"), agent.pod.env.toString());
        assertFalse(agent.pod.env.containsKey("METRICS_RUNTIMES"), agent.pod.env.toString());
        String endpoint = agent.pod.env.get("CONTAINER_RUNTIME_ENDPOINT");
        assertEquals("unix://" + PodSpecAsDockerRun.RUNTIMES_MOUNT + "/cri/containerd.sock", endpoint);

        agent.awaitLiveAndReady();
        JsonObject runtimes = agent.awaitReachable(1);
        assertEquals("cgroup", runtimes.getString("source"), runtimes.encode());
        // Auto-detection inside the pod finds the CRI socket by CONTAINER_RUNTIME_ENDPOINT, and nothing else.
        assertEquals(1, runtimes.getInteger("total"), runtimes.encode());
        JsonObject runtime = runtimes.getJsonArray("runtimes").getJsonObject(0);
        assertEquals(endpoint, runtime.getString("socket"), runtime.encode());
        assertEquals("CONTAINER_RUNTIME_ENDPOINT", runtime.getString("origin"), runtime.encode());
        assertEquals("containerd", runtime.getString("runtime"), runtime.encode());
        assertEquals("up", runtime.getString("state"), runtime.encode());

        // The pod's container with the kubelet's names, CPU and memory from its cgroup files; the sandbox is no container.
        String id = criContainer.substring(0, 12);
        Map<String, String> info = Map.of("container_id", id, "container_name", CRI_POD, "runtime", "containerd",
                "pod", CRI_POD, "namespace", CRI_NAMESPACE, "container", CRI_POD);
        Map<String, String> series = Map.of("container_id", id, "container_name", CRI_POD, "runtime", "containerd");
        String metrics = agent.awaitMetrics(m -> find(m, "container_info", info) != null && hasCgroupSeries(m, series));
        assertEquals("1", find(metrics, "container_info", info), "no container_info " + info + ", only\n"
                + String.join("\n", metrics.lines().filter(l -> l.startsWith("container_info{")).toList()) + "\n" + agent.logs());
        assertTrue(hasCgroupSeries(metrics, series), "no cgroup CPU/memory series for CRI container " + id + "\n" + agent.logs());
        assertCgroupSource(metrics);
        agent.assertSecurityApplied();
    }

    /** Pod and container through CRI as the kubelet makes them; again while the shared containerd is being restarted. */
    private static String runCriPod() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                CriDriver.Pod pod = cri.runPod(CRI_POD, CRI_NAMESPACE);
                return cri.startContainer(pod, CRI_POD, 0, List.of("/bin/sleep", LIFETIME));
            } catch (RuntimeException e) {
                try {
                    cri.removePod(CRI_POD);
                } catch (RuntimeException stillDown) {
                    // removed with the next attempt or in remove()
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no CRI pod on " + CRI_SOCKET + " within 120 s", e);
                }
                System.out.printf("[DaemonSetImageIT] CRI pod: %s; again%n", e);
                Thread.sleep(2000);
            }
        }
    }

    private static void assertCgroupSource(String metrics) {
        assertTrue(Pattern.compile("(?m)^phoenix_stats_source\\{source=\"cgroup\",?} 1(\\.0)?$").matcher(metrics).find(),
                "stats source is not cgroup");
    }

    /** CPU time and a non-zero working set of the container with these labels, on the agent's page. */
    private static boolean hasCgroupSeries(String metrics, Map<String, String> labels) {
        String cpu = find(metrics, "container_cpu_usage_seconds_total", labels);
        String memory = find(metrics, "container_memory_working_set_bytes", labels);
        return cpu != null && memory != null && Double.parseDouble(memory) > 0;
    }

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The value of the first sample of the family whose labels include all of {@code labels}, or null. */
    private static String find(String metrics, String family, Map<String, String> labels) {
        Matcher sample = SAMPLE.matcher(metrics);
        while (sample.find()) {
            if (!sample.group(1).equals(family)) {
                continue;
            }
            Map<String, String> has = new LinkedHashMap<>();
            Matcher label = LABEL.matcher(sample.group(2));
            while (label.find()) {
                has.put(label.group(1), label.group(2));
            }
            if (has.entrySet().containsAll(labels.entrySet())) {
                return sample.group(3).replaceFirst("\\.0$", "");
            }
        }
        return null;
    }

    /** One DaemonSet of the kit, rendered and run as a Docker container. */
    private static final class Agent {
        final String kustomization;
        final String name;
        final PodSpecAsDockerRun pod;
        int pid;

        Agent(String kustomization) throws Exception {
            this.kustomization = "k8s/" + kustomization;
            this.name = EngineFixture.uniqueName("daemonset-" + kustomization.replaceAll(".*/", ""));
            JsonNode daemonSet = Manifests.single(Manifests.render(Manifests.K8S.resolve(kustomization)), "DaemonSet");
            pod = new PodSpecAsDockerRun(daemonSet, Engine.runtimeDir());
        }

        void start() throws Exception {
            List<String> command = new ArrayList<>(List.of("docker", "run", "-d", "--name", name));
            command.addAll(pod.options);
            // The one addition to the manifest: engines shared by several test runs on 2 cores can take well over the
            // default 5 s to answer; the agent would keep reporting them unavailable.
            command.addAll(List.of("-e", "METRICS_DISCOVERY_REQUEST_TIMEOUT=60s"));
            command.add(pod.image);
            run(60, command.toArray(String[]::new));
            pid = Integer.parseInt(run(30, "docker", "inspect", "-f", "{{.State.Pid}}", name).strip());
        }

        void awaitLiveAndReady() throws Exception {
            long t0 = System.nanoTime();
            // Budget of the probes as the manifest sets them (the kubelet restarts the pod after this), at least 60 s on
            // this busy 2-core machine.
            PodSpecAsDockerRun.Probe live = pod.liveness;
            PodSpecAsDockerRun.Probe ready = pod.readiness;
            long budget = Math.max(60, Math.max(live.initialDelaySeconds() + live.periodSeconds() * live.failureThreshold(),
                    ready.initialDelaySeconds() + ready.periodSeconds() * ready.failureThreshold()));
            awaitStatus(live, 200, budget);
            awaitStatus(ready, 200, budget);
            System.out.printf("[DaemonSetImageIT] %s live and ready after %d ms%n", kustomization, (System.nanoTime() - t0) / 1_000_000);
        }

        /** /api/runtimes once {@code count} runtimes are reachable, or after 150 s. */
        JsonObject awaitReachable(int count) throws Exception {
            long upBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            JsonObject runtimes = new JsonObject(get("/api/runtimes"));
            while (runtimes.getInteger("reachable") < count && System.nanoTime() < upBy) {
                Thread.sleep(500);
                runtimes = new JsonObject(get("/api/runtimes"));
            }
            return runtimes;
        }

        /** /metrics once it satisfies {@code done}, or the last one after 60 s. */
        String awaitMetrics(java.util.function.Predicate<String> done) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String metrics = get("/metrics");
            while (!done.test(metrics) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                metrics = get("/metrics");
            }
            return metrics;
        }

        /** Docker applied what the manifest asked for. */
        void assertSecurityApplied() throws Exception {
            JsonNode host = Manifests.YAML.readTree(run(30, "docker", "inspect", "-f", "{{json .HostConfig}}", name));
            assertTrue(host.get("ReadonlyRootfs").asBoolean(), host.toString());
            assertEquals(Set.of("ALL"), capabilities(host.get("CapDrop")));
            assertEquals(Set.of("SYS_PTRACE", "DAC_READ_SEARCH"), capabilities(host.get("CapAdd")));
        }

        private void awaitStatus(PodSpecAsDockerRun.Probe probe, int status, long seconds) throws Exception {
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
            throw new AssertionError(kustomization + ": " + probe.path() + " answered " + last + " for " + seconds + " s\n" + logs());
        }

        String get(String path) throws Exception {
            return curl(pod.readiness.port(), path, "", "-");
        }

        /** curl inside the agent container's network namespace, to its loopback. */
        private String curl(int port, String path, String writeOut, String output) throws Exception {
            return run(15, "nsenter", "-t", Integer.toString(pid), "-n", "curl", "-s", "--max-time", "5",
                    "-o", output, "-w", writeOut, "http://127.0.0.1:" + port + path);
        }

        String logs() {
            try {
                return kustomization + " agent log:\n" + run(30, "bash", "-c", "docker logs \"$1\" 2>&1 | tail -n 40", "logs", name);
            } catch (Exception e) {
                return "(no agent log: " + e + ")";
            }
        }
    }

    /** Docker writes capabilities with or without the CAP_ prefix, depending on its version. */
    private static Set<String> capabilities(JsonNode list) {
        Set<String> names = new TreeSet<>();
        list.forEach(c -> names.add(c.asText().replaceFirst("^CAP_", "")));
        return names;
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
