package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.InputCaps;
import io.phoenix.metrics.runtime.RuntimeKind;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerCapsTest {

    private static ContainerInfo container(String id, String name, Map<String, String> labels) {
        return new ContainerInfo(id, name, "img:1", labels, ContainerState.RUNNING, null, null, null, 0, null,
                HealthStatus.NONE, 1, RuntimeKind.DOCKER, "unix:///x.sock");
    }

    @Test
    void anOrdinaryContainerIsUntouched() {
        ContainerInfo c = container("a".repeat(64), "web", Map.of("app", "web"));
        ContainerCaps.Trimmed t = ContainerCaps.trim(c);
        assertEquals(c, t.container());
        assertNull(t.cut());
    }

    @Test
    void aHugeLabelIsDroppedTheOthersAndTheContainerStay() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", "web");
        labels.put("blob", "x".repeat(1024 * 1024));
        ContainerCaps.Trimmed t = ContainerCaps.trim(container("a".repeat(64), "n".repeat(2000), labels));
        assertEquals(Map.of("app", "web"), t.container().labels());
        assertEquals(InputCaps.MAX_NAME_CHARS, t.container().name().length());
        assertTrue(t.cut().getMessage().contains("1 label(s)"), t.cut().getMessage());
    }

    @Test
    void aTrimmedContainerKeepsItsExitReasonOomStateAndLimit() {
        ContainerInfo c = new ContainerInfo("a".repeat(64), "n".repeat(2000), "img:1", Map.of("app", "web"), ContainerState.EXITED,
                null, null, null, 0, 137, HealthStatus.NONE, null, RuntimeKind.DOCKER, "unix:///x.sock", "OOMKilled", true, 16L << 20);
        ContainerInfo trimmed = ContainerCaps.trim(c).container();
        assertEquals(InputCaps.MAX_NAME_CHARS, trimmed.name().length());
        assertEquals("OOMKilled", trimmed.exitReason());
        assertEquals(Boolean.TRUE, trimmed.oomKilled());
        assertEquals(16L << 20, trimmed.memoryLimit());
    }

    @Test
    void labelsPastTheCountCapAreDropped() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < InputCaps.MAX_LABELS + 10; i++) {
            labels.put("k" + i, "v");
        }
        ContainerCaps.Trimmed t = ContainerCaps.trim(container("a".repeat(64), "web", labels));
        assertEquals(InputCaps.MAX_LABELS, t.container().labels().size());
        assertTrue(t.cut().getMessage().contains("10 label(s)"));
    }

    @Test
    void anIdNoEngineWouldSendIsRefused() {
        assertThrows(RuntimeApiException.TooLarge.class, () -> ContainerCaps.trim(container("a".repeat(200), "web", Map.of())));
    }
}
