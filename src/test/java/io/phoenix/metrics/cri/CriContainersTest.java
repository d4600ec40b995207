package io.phoenix.metrics.cri;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.runtime.cri.CriContainers;
import io.phoenix.metrics.runtime.cri.v1.ContainerMetadata;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatus;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatusResponse;
import io.phoenix.metrics.runtime.cri.v1.ImageSpec;
import io.phoenix.metrics.runtime.cri.v1.PodSandboxMetadata;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** CRI answers to container records: the shapes containerd 1.6 sends (seen on this machine). */
class CriContainersTest {

    private static final String ID = "7c5d75d28cf5bd7f83d58d89ba34bb1c8e0317ba4611bf7df6d0bc0cdd5d0e18";
    private static final PodSandboxMetadata POD = PodSandboxMetadata.newBuilder().setName("web-0").setNamespace("shop")
            .setUid("0b7e-uid").build();

    private static ContainerStatus.Builder status() {
        return ContainerStatus.newBuilder().setId(ID).setMetadata(ContainerMetadata.newBuilder().setName("nginx").setAttempt(2))
                .setImage(ImageSpec.newBuilder().setImage("docker.io/library/nginx:1.25"))
                .setCreatedAt(1_700_000_000_123_456_789L).setStartedAt(1_700_000_001_000_000_000L);
    }

    @Test
    void runningContainerHasItsPodNamesPidAndRestartCountFromAttemptAndAnnotation() {
        ContainerStatusResponse response = ContainerStatusResponse.newBuilder()
                .setStatus(status().setState(io.phoenix.metrics.runtime.cri.v1.ContainerState.CONTAINER_RUNNING)
                        .putAnnotations(CriContainers.RESTART_COUNT, "5").putLabels("io.kubernetes.pod.name", "stale"))
                .putInfo("info", "{\"sandboxID\":\"abc\",\"pid\":4242,\"runtimeSpec\":{\"linux\":{\"cgroupsPath\":\"/k/pod/x\"}}}")
                .build();
        ContainerInfo info = CriContainers.fromStatus(response, POD, RuntimeKind.CONTAINERD, "unix:///run/containerd/containerd.sock");
        assertEquals("nginx", info.name());
        assertEquals(ContainerState.RUNNING, info.state());
        assertEquals(4242, info.pid());
        assertEquals(5, info.restartCount()); // the kubelet's annotation wins over attempt 2
        assertEquals("web-0", info.labels().get(CriContainers.POD_NAME)); // the sandbox's metadata, not a stale label
        assertEquals("shop", info.labels().get(CriContainers.POD_NAMESPACE));
        assertEquals("0b7e-uid", info.labels().get(CriContainers.POD_UID));
        assertEquals("nginx", info.labels().get(CriContainers.CONTAINER_NAME));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 123_456_789L), info.created());
        assertNull(info.exitCode());
        assertNull(info.finishedAt());
        assertEquals("docker.io/library/nginx:1.25", info.image());
    }

    @Test
    void exitedContainerHasExitCodeReasonAndNoPid() {
        ContainerStatusResponse response = ContainerStatusResponse.newBuilder()
                .setStatus(status().setState(io.phoenix.metrics.runtime.cri.v1.ContainerState.CONTAINER_EXITED)
                        .setFinishedAt(1_700_000_002_000_000_000L).setExitCode(137).setReason("OOMKilled")
                        .putAnnotations(CriContainers.RESTART_COUNT, "not a number"))
                .putInfo("info", "{\"pid\":4242}").build();
        ContainerInfo info = CriContainers.fromStatus(response, null, RuntimeKind.CRI_O, "unix:///var/run/crio/crio.sock");
        assertEquals(ContainerState.EXITED, info.state());
        assertEquals(137, info.exitCode());
        assertEquals("OOMKilled", info.exitReason());
        assertNull(info.pid());
        assertEquals(2, info.restartCount()); // a malformed annotation leaves the attempt
        assertEquals("cri-o", info.runtime().label());
        assertEquals(RuntimeKind.CRI_O, RuntimeKind.parse("cri-o"));
    }

    @Test
    void garbageInfoGivesNoPid() {
        ContainerStatusResponse response = ContainerStatusResponse.newBuilder()
                .setStatus(status().setState(io.phoenix.metrics.runtime.cri.v1.ContainerState.CONTAINER_RUNNING))
                .putInfo("info", "{not json").build();
        assertNull(CriContainers.fromStatus(response, POD, RuntimeKind.CONTAINERD, "unix:///x").pid());
    }
}
