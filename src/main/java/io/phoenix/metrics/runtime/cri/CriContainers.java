package io.phoenix.metrics.runtime.cri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.runtime.cri.v1.Container;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatus;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatusResponse;
import io.phoenix.metrics.runtime.cri.v1.PodSandboxMetadata;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * CRI answers to the agent's {@link ContainerInfo}. Pod name, namespace and UID come from the sandbox's metadata and
 * the container name from the container's, under the {@code io.kubernetes.*} label keys the kubelet sets (so
 * {@code container_info} shows them as for a Docker container of a dockershim node). Untrusted: sizes are capped.
 */
public final class CriContainers {

    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";
    /** The kubelet's count of restarts; the container's {@code attempt} says the same where the annotation is absent. */
    public static final String RESTART_COUNT = "io.kubernetes.container.restartCount";

    private static final int MAX_LABELS = 256;
    private static final int MAX_TEXT = 4096;
    /** The verbose info JSON carries the whole OCI spec: a few KiB usually, never trusted beyond this. */
    private static final int MAX_INFO = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CriContainers() {
    }

    /** What changes when a list entry needs a new ContainerStatus: its state and attempt (ids never change). */
    public static String listKey(Container container) {
        return container.getState().name() + "/" + container.getMetadata().getAttempt();
    }

    /**
     * @param pod the sandbox's metadata, or null when the sandbox is not known (then the container's own labels,
     *            which the kubelet also sets, are all there is)
     */
    public static ContainerInfo fromStatus(ContainerStatusResponse response, PodSandboxMetadata pod, RuntimeKind runtime,
                                           String endpoint) {
        ContainerStatus status = response.getStatus();
        if (status.getId().isEmpty()) {
            throw new RuntimeApiException.Protocol("CRI ContainerStatus on " + endpoint + ": no container id");
        }
        Map<String, String> labels = new HashMap<>();
        status.getLabelsMap().forEach((k, v) -> {
            if (labels.size() < MAX_LABELS) {
                labels.put(cap(k), cap(v));
            }
        });
        String name = cap(status.getMetadata().getName());
        labels.put(CONTAINER_NAME, name);
        if (pod != null) {
            labels.put(POD_NAME, cap(pod.getName()));
            labels.put(POD_NAMESPACE, cap(pod.getNamespace()));
            labels.put(POD_UID, cap(pod.getUid()));
        }
        ContainerState state = switch (status.getState()) {
            case CONTAINER_CREATED -> ContainerState.CREATED;
            case CONTAINER_RUNNING -> ContainerState.RUNNING;
            case CONTAINER_EXITED -> ContainerState.EXITED;
            default -> ContainerState.UNKNOWN;
        };
        boolean exited = state == ContainerState.EXITED;
        String image = status.getImage().getUserSpecifiedImage().isEmpty() ? status.getImage().getImage()
                : status.getImage().getUserSpecifiedImage();
        Integer pid = state == ContainerState.RUNNING ? pid(response.getInfoMap().get("info")) : null;
        String reason = exited && !status.getReason().isEmpty() ? cap(status.getReason()) : null;
        return new ContainerInfo(status.getId(), name, cap(image.isEmpty() ? status.getImageRef() : image), labels, state,
                time(status.getCreatedAt()), time(status.getStartedAt()), time(status.getFinishedAt()),
                restartCount(status), exited ? status.getExitCode() : null, HealthStatus.NONE, pid, runtime, endpoint, reason);
    }

    /** The kubelet's annotation when present and sane, else the attempt number (0 for the first run). */
    static int restartCount(ContainerStatus status) {
        int attempt = status.getMetadata().getAttempt();
        String annotated = status.getAnnotationsMap().get(RESTART_COUNT);
        if (annotated != null) {
            try {
                return Math.max(attempt, Math.max(0, Integer.parseInt(annotated.trim())));
            } catch (NumberFormatException e) {
                // a malformed annotation is ignored, the attempt still counts
            }
        }
        return Math.max(0, attempt);
    }

    /** containerd: {@code info["info"]} is JSON with {@code pid}; CRI-O puts {@code pid} in the same place. */
    static Integer pid(String info) {
        if (info == null || info.isEmpty() || info.length() > MAX_INFO) {
            return null;
        }
        try {
            JsonNode pid = JSON.readTree(info).get("pid");
            return pid != null && pid.canConvertToInt() && pid.asInt() > 0 ? pid.asInt() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** CRI times are nanoseconds since the epoch; 0 means never. */
    static Instant time(long nanos) {
        return nanos <= 0 ? null : Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    private static String cap(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }
}
