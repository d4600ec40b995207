package io.phoenix.metrics.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kustomization builds with {@code kubectl kustomize} and every object it renders binds strictly to its
 * Kubernetes or Prometheus Operator API model; each node-type overlay points the agent at its runtime's socket,
 * under a path the DaemonSet mounts. (kubectl comes from scripts/runtimes.sh's package list, hence "engine".)
 */
@Tag("engine")
class KustomizeTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/docker", "overlays/podman", "overlays/containerd", "overlays/cri-o",
            "monitoring/rules", "monitoring/servicemonitor", "monitoring/podmonitor"})
    void buildsAndValidates(String dir) throws Exception {
        List<JsonNode> documents = Manifests.render(Manifests.K8S.resolve(dir));
        assertFalse(documents.isEmpty(), dir + " renders nothing");
        for (JsonNode document : documents) {
            HasMetadata object = Manifests.bind(document);
            assertEquals("phoenix-metrics", object.getMetadata().getName(), dir + ": " + object.getKind());
            if (!"Namespace".equals(object.getKind())) {
                assertEquals("phoenix-metrics", object.getMetadata().getNamespace(), dir + ": " + object.getKind());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
            "docker,     METRICS_RUNTIMES,           unix:///host/run/docker.sock",
            "podman,     METRICS_RUNTIMES,           unix:///host/run/podman/podman.sock",
            "containerd, CONTAINER_RUNTIME_ENDPOINT, unix:///host/run/containerd/containerd.sock",
            "cri-o,      CONTAINER_RUNTIME_ENDPOINT, unix:///host/run/crio/crio.sock"})
    void overlayPointsAtItsRuntime(String overlay, String key, String socket) throws Exception {
        DaemonSet daemonSet = daemonSet("overlays/" + overlay);
        Container agent = daemonSet.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = agent.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertEquals(socket, env.get(key), overlay + " env " + env);
        // One way to name the runtime per overlay: a CRI endpoint goes through auto-detection, a Docker API
        // socket is listed and auto-detection stays off.
        boolean cri = key.equals("CONTAINER_RUNTIME_ENDPOINT");
        assertEquals(cri, env.containsKey("CONTAINER_RUNTIME_ENDPOINT"), overlay + " env " + env);
        assertEquals(!cri, env.containsKey("METRICS_RUNTIMES"), overlay + " env " + env);
        assertEquals(cri ? "true" : "false", env.get("METRICS_AUTODETECT"), overlay + " env " + env);
        assertMounted(agent, socket, overlay);
    }

    @Test
    void baseSocketsAreUnderMounts() throws Exception {
        Container agent = daemonSet("base").getSpec().getTemplate().getSpec().getContainers().get(0);
        String runtimes = agent.getEnv().stream().filter(e -> e.getName().equals("METRICS_RUNTIMES"))
                .findFirst().orElseThrow().getValue();
        for (String socket : runtimes.split(",")) {
            assertMounted(agent, socket, "base");
        }
    }

    /** Proves the validator is strict: a misplaced field and a wrong type are both rejected. */
    @Test
    void strictBindingRejectsUnknownFieldsAndWrongTypes() throws Exception {
        JsonNode good = Manifests.single(Manifests.render(Manifests.K8S.resolve("base")), "DaemonSet");
        Manifests.bind(good);
        JsonNode misplaced = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) misplaced.get("spec").get("template").get("spec")
                .get("containers").get(0)).put("readOnlyRootFilesystem", true);
        AssertionError unknown = assertThrows(AssertionError.class, () -> Manifests.bind(misplaced));
        assertTrue(unknown.getMessage().contains("readOnlyRootFilesystem"), unknown.getMessage());
        JsonNode wrongType = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) wrongType.get("spec").get("template").get("spec")
                .get("containers").get(0).get("ports").get(0)).put("containerPort", "ninety-one-hundred");
        assertThrows(AssertionError.class, () -> Manifests.bind(wrongType));
    }

    private static DaemonSet daemonSet(String dir) throws Exception {
        return (DaemonSet) Manifests.bind(Manifests.single(Manifests.render(Manifests.K8S.resolve(dir)), "DaemonSet"));
    }

    private static void assertMounted(Container agent, String socket, String where) {
        Path path = Path.of(socket.substring("unix://".length()));
        assertTrue(agent.getVolumeMounts().stream().anyMatch(m -> path.startsWith(m.getMountPath())),
                where + ": " + path + " is under no volume mount");
    }
}
