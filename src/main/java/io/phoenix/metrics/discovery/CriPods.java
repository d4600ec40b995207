package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.cri.CriClient;
import io.phoenix.metrics.runtime.cri.CriContainers;
import io.phoenix.metrics.runtime.cri.v1.PodSandbox;
import io.phoenix.metrics.runtime.cri.v1.PodSandboxMetadata;
import io.smallrye.mutiny.Uni;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The pod sandboxes of one CRI endpoint, by id: only to name a container's pod (a sandbox is never a container). */
final class CriPods {

    private final Map<String, PodSandboxMetadata> sandboxes = new ConcurrentHashMap<>();

    boolean knows(String sandboxId) {
        return sandboxes.containsKey(sandboxId);
    }

    void put(String sandboxId, PodSandboxMetadata metadata) {
        sandboxes.put(sandboxId, metadata);
    }

    /** Lists the sandboxes anew; those no longer listed are forgotten. */
    Uni<Void> list(CriClient client) {
        return client.listPodSandbox().invoke(response -> {
            Set<String> listed = new HashSet<>();
            for (PodSandbox sandbox : response.getItemsList()) {
                listed.add(sandbox.getId());
                sandboxes.put(sandbox.getId(), sandbox.getMetadata());
            }
            sandboxes.keySet().retainAll(listed);
        }).replaceWithVoid();
    }

    /** The sandbox's metadata, else what the known record of the container says (a refresh keeps its pod), else null. */
    PodSandboxMetadata of(String sandboxId, Optional<ContainerInfo> known) {
        PodSandboxMetadata pod = sandboxId == null ? null : sandboxes.get(sandboxId);
        if (pod != null) {
            return pod;
        }
        return known.map(c -> c.labels().get(CriContainers.POD_UID) == null ? null
                : PodSandboxMetadata.newBuilder().setName(c.labels().getOrDefault(CriContainers.POD_NAME, ""))
                .setNamespace(c.labels().getOrDefault(CriContainers.POD_NAMESPACE, ""))
                .setUid(c.labels().get(CriContainers.POD_UID)).build()).orElse(null);
    }
}
