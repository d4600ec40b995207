package io.phoenix.metrics.cri;

import io.grpc.MethodDescriptor;
import io.phoenix.metrics.runtime.cri.CriClient;
import io.phoenix.metrics.runtime.cri.v1.RuntimeServiceGrpc;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent can only read a CRI runtime: the stub generated from its own .proto has no method that changes anything,
 * and the client exposes fewer still. Checked on the generated service descriptor (what goes on the wire) and on the
 * client's public surface.
 */
class CriReadOnlyTest {

    /** The allowed set: Version, Status, List*, ContainerStatus, PodSandboxStatus, *Stats, GetContainerEvents. */
    private static boolean reading(String method) {
        return method.equals("Version") || method.equals("Status") || method.startsWith("List")
                || method.equals("ContainerStatus") || method.equals("PodSandboxStatus") || method.endsWith("Stats")
                || method.equals("GetContainerEvents");
    }

    @Test
    void everyMethodOfTheGeneratedServiceOnTheWireReads() {
        Set<String> methods = RuntimeServiceGrpc.getServiceDescriptor().getMethods().stream()
                .map(MethodDescriptor::getBareMethodName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("Version", "Status", "ListPodSandbox", "PodSandboxStatus", "ListContainers", "ContainerStatus",
                "ContainerStats", "ListContainerStats", "GetContainerEvents"), methods);
        methods.forEach(m -> assertTrue(reading(m), m + " is not a reading method"));
        // Same wire names as upstream: the runtime must route them to its RuntimeService.
        RuntimeServiceGrpc.getServiceDescriptor().getMethods().forEach(m ->
                assertTrue(m.getFullMethodName().startsWith("runtime.v1.RuntimeService/"), m.getFullMethodName()));
    }

    @Test
    void theClientOffersOnlyReadingCalls() {
        Set<String> calls = Arrays.stream(CriClient.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("version", "listContainers", "listPodSandbox", "containerStatus", "containerStats",
                "listContainerStats", "events", "endpoint", "guard", "close"), calls);
    }
}
