package io.phoenix.metrics.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DaemonSet's pod spec as {@code docker run} options: env, hostPath and emptyDir mounts, user, read-only root,
 * no-new-privileges, capabilities, memory and CPU limits, host network. A field it does not know how to reproduce
 * fails the translation, so the manifest cannot grow a setting the image test silently ignores. Scheduling-only
 * fields (tolerations, priority, requests, service account without a token) have no effect on a running container.
 * <p>
 * The one deliberate difference: this machine's engines listen under {@code runtimeDir}, not the host's /run. That
 * directory is mounted read-only at {@link #RUNTIMES_MOUNT} as well, and every {@code unix://} socket an env value
 * names (METRICS_RUNTIMES of the base and the Docker/Podman overlays, CONTAINER_RUNTIME_ENDPOINT of the CRI overlays)
 * is translated through the pod's own hostPath mounts to the node's path (/host/run/x.sock → /run/x.sock), then
 * pointed at the socket that stands in for that node path here ({@link #STAND_INS}); the /run mount stays exactly as
 * the manifest has it. A socket outside every hostPath mount, or one without a stand-in, fails the translation.
 */
final class PodSpecAsDockerRun {

    static final String RUNTIMES_MOUNT = "/host/phoenix-runtimes";

    /**
     * A node's runtime sockets (as a node has them: the paths the overlays' comments name) → the file under
     * {@code runtimeDir} that scripts/runtimes.sh serves the same API on. containerd's is the CRI containerd under
     * cri/: {@code runtimeDir}/containerd/containerd.sock is the one Docker runs on, with its CRI plugin disabled.
     */
    static final Map<String, String> STAND_INS = Map.of(
            "/run/docker.sock", "docker.sock",
            "/run/podman/podman.sock", "podman.sock",
            "/run/containerd/containerd.sock", "cri/containerd.sock");

    private static final Set<String> POD_FIELDS = Set.of("serviceAccountName", "priorityClassName", "tolerations",
            "containers", "volumes", "hostNetwork", "automountServiceAccountToken", "nodeSelector");
    private static final Set<String> CONTAINER_FIELDS = Set.of("name", "image", "imagePullPolicy", "env", "ports",
            "securityContext", "resources", "livenessProbe", "readinessProbe", "volumeMounts");
    private static final Set<String> SECURITY_FIELDS = Set.of("runAsUser", "readOnlyRootFilesystem",
            "allowPrivilegeEscalation", "capabilities");
    private static final Set<String> PROBE_FIELDS = Set.of("httpGet", "periodSeconds", "initialDelaySeconds",
            "timeoutSeconds", "failureThreshold", "successThreshold");

    /** A probe: path and port number (a named port resolved against the container's ports). */
    record Probe(String path, int port, int initialDelaySeconds, int periodSeconds, int failureThreshold) {
    }

    final List<String> options = new ArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();
    final String image;
    final boolean hostNetwork;
    final Probe liveness;
    final Probe readiness;

    PodSpecAsDockerRun(JsonNode daemonSet, Path runtimeDir) {
        JsonNode pod = daemonSet.at("/spec/template/spec");
        known("pod spec", pod, POD_FIELDS);
        JsonNode containers = pod.get("containers");
        if (containers.size() != 1) {
            throw new AssertionError("the test runs one container; the DaemonSet has " + containers.size());
        }
        JsonNode c = containers.get(0);
        known("container", c, CONTAINER_FIELDS);
        image = c.get("image").asText();
        hostNetwork = pod.path("hostNetwork").asBoolean(false);
        options.addAll(List.of("--network", hostNetwork ? "host" : "none"));

        // Where each mountPath of the container comes from on the node (hostPath volumes only).
        Map<String, String> nodePaths = new LinkedHashMap<>();
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.get("name").asText(), v));
        for (JsonNode m : c.path("volumeMounts")) {
            JsonNode volume = volumes.get(m.get("name").asText());
            if (volume != null && volume.has("hostPath")) {
                nodePaths.put(m.get("mountPath").asText(), volume.get("hostPath").get("path").asText());
            }
        }
        for (JsonNode e : c.path("env")) {
            known("env " + e.path("name").asText(), e, Set.of("name", "value"));
            String value = e.get("value").asText();
            env.put(e.get("name").asText(), value.startsWith("unix://") ? remapSockets(value, nodePaths, runtimeDir) : value);
        }
        options.addAll(List.of("-v", runtimeDir + ":" + RUNTIMES_MOUNT + ":ro"));
        env.forEach((k, v) -> options.addAll(List.of("-e", k + "=" + v)));

        JsonNode security = c.path("securityContext");
        known("securityContext", security, SECURITY_FIELDS);
        if (security.has("runAsUser")) {
            options.addAll(List.of("--user", security.get("runAsUser").asText()));
        }
        if (security.path("readOnlyRootFilesystem").asBoolean(false)) {
            options.add("--read-only");
        }
        if (!security.path("allowPrivilegeEscalation").asBoolean(true)) {
            options.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        JsonNode caps = security.path("capabilities");
        known("capabilities", caps, Set.of("drop", "add"));
        caps.path("drop").forEach(cap -> options.addAll(List.of("--cap-drop", cap.asText())));
        caps.path("add").forEach(cap -> options.addAll(List.of("--cap-add", cap.asText())));

        JsonNode limits = c.path("resources").path("limits");
        known("resources", c.path("resources"), Set.of("requests", "limits"));
        known("limits", limits, Set.of("memory", "cpu"));
        if (limits.has("memory")) {
            options.addAll(List.of("--memory", bytes(limits.get("memory").asText())));
        }
        if (limits.has("cpu")) {
            options.addAll(List.of("--cpus", cpus(limits.get("cpu").asText())));
        }

        for (JsonNode m : c.path("volumeMounts")) {
            known("volumeMount", m, Set.of("name", "mountPath", "readOnly"));
            JsonNode volume = volumes.get(m.get("name").asText());
            String target = m.get("mountPath").asText();
            boolean readOnly = m.path("readOnly").asBoolean(false);
            if (volume.has("hostPath")) {
                known("hostPath", volume.get("hostPath"), Set.of("path", "type"));
                String source = volume.get("hostPath").get("path").asText();
                if (!Files.isDirectory(Path.of(source))) {
                    throw new AssertionError("hostPath " + source + " (type Directory) is missing on this machine");
                }
                options.addAll(List.of("-v", source + ":" + target + (readOnly ? ":ro" : "")));
            } else if (volume.has("emptyDir")) {
                // An emptyDir is a fresh writable directory that lives as long as the pod: an anonymous volume.
                options.addAll(List.of("--mount", "type=volume,destination=" + target + (readOnly ? ",readonly" : "")));
            } else {
                throw new AssertionError("volume " + volume + ": only hostPath and emptyDir are reproduced");
            }
        }

        Map<String, Integer> ports = new LinkedHashMap<>();
        c.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.get("containerPort").asInt()));
        liveness = probe(c.get("livenessProbe"), ports);
        readiness = probe(c.get("readinessProbe"), ports);
    }

    /** Each unix:// URI of a comma-separated list, from the pod's view to the stand-in socket's under {@link #RUNTIMES_MOUNT}. */
    private static String remapSockets(String uris, Map<String, String> nodePaths, Path runtimeDir) {
        List<String> mapped = new ArrayList<>();
        for (String uri : uris.split(",")) {
            if (!uri.startsWith("unix://")) {
                throw new AssertionError(uris + ": a list of unix:// sockets expected");
            }
            Path inPod = Path.of(uri.substring("unix://".length()));
            String nodePath = nodePaths.entrySet().stream()
                    .filter(m -> inPod.startsWith(m.getKey()))
                    .map(m -> Path.of(m.getValue()).resolve(Path.of(m.getKey()).relativize(inPod)).toString())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(uri + " is under no hostPath mount of the container " + nodePaths.keySet()));
            String standIn = STAND_INS.get(nodePath);
            if (standIn == null) {
                throw new AssertionError(uri + " is the node's " + nodePath + ", which nothing stands in for on this machine " + STAND_INS.keySet());
            }
            if (!Files.exists(runtimeDir.resolve(standIn))) {
                throw new AssertionError(uri + ": no " + standIn + " under " + runtimeDir + " to stand in for the node's " + nodePath
                        + " (bash scripts/runtimes.sh up)");
            }
            mapped.add("unix://" + RUNTIMES_MOUNT + "/" + standIn);
        }
        return String.join(",", mapped);
    }

    private static Probe probe(JsonNode probe, Map<String, Integer> ports) {
        if (probe == null) {
            throw new AssertionError("the DaemonSet must have liveness and readiness probes");
        }
        known("probe", probe, PROBE_FIELDS);
        JsonNode http = probe.get("httpGet");
        known("httpGet", http, Set.of("path", "port"));
        JsonNode port = http.get("port");
        int number = port.isInt() ? port.asInt() : ports.get(port.asText());
        return new Probe(http.get("path").asText(), number, probe.path("initialDelaySeconds").asInt(0),
                probe.path("periodSeconds").asInt(10), probe.path("failureThreshold").asInt(3));
    }

    private static void known(String where, JsonNode node, Set<String> handled) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!handled.contains(field)) {
                throw new AssertionError(where + "." + field + " is in the DaemonSet but not reproduced by "
                        + PodSpecAsDockerRun.class.getSimpleName() + ": teach it, or the image test is not the pod");
            }
        }
    }

    /** Kubernetes quantities as docker takes them: Mi/Gi/Ki binary suffixes, plain bytes otherwise. */
    static String bytes(String quantity) {
        Map<String, Long> units = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "K", 1000L, "M", 1000_000L,
                "G", 1000_000_000L);
        for (var unit : units.entrySet()) {
            if (quantity.endsWith(unit.getKey()) && Character.isDigit(quantity.charAt(quantity.length() - unit.getKey().length() - 1))) {
                return Long.toString(Long.parseLong(quantity.substring(0, quantity.length() - unit.getKey().length())) * unit.getValue());
            }
        }
        return Long.toString(Long.parseLong(quantity));
    }

    static String cpus(String quantity) {
        return quantity.endsWith("m") ? Double.toString(Integer.parseInt(quantity.replace("m", "")) / 1000.0) : quantity;
    }
}
