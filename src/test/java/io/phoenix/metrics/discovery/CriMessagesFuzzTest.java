package io.phoenix.metrics.discovery;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.runtime.cri.CriContainers;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatusResponse;
import io.phoenix.metrics.runtime.cri.v1.PodSandboxMetadata;

/**
 * A CRI runtime's ContainerStatus answer, as bytes on the wire: whatever protobuf accepts must become a container
 * the way the watcher makes one (the container's fields, its pod's, the caps), or a protocol error; never another
 * exception, and never a container over the caps.
 */
class CriMessagesFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void containerStatus(byte[] data) {
        ContainerStatusResponse response;
        try {
            response = ContainerStatusResponse.parseFrom(data);
        } catch (InvalidProtocolBufferException expected) {
            return; // gRPC fails the call; the list asks again
        }
        PodSandboxMetadata pod = response.getStatus().getMetadata().getAttempt() % 2 == 0 ? null
                : PodSandboxMetadata.newBuilder().setName(response.getStatus().getImageRef())
                        .setNamespace(response.getStatus().getReason()).setUid(response.getStatus().getMessage()).build();
        for (RuntimeKind kind : new RuntimeKind[] {RuntimeKind.CONTAINERD, RuntimeKind.CRI_O}) {
            try {
                ContainerCaps.trim(CriContainers.fromStatus(response, pod, kind, "unix:///fuzz.sock"));
            } catch (RuntimeApiException expected) {
                // no id, or one no runtime would send: counted against the endpoint
            }
        }
    }
}
