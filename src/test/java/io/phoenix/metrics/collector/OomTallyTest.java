package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;
import io.phoenix.metrics.discovery.InventoryChange;
import io.phoenix.metrics.discovery.OomReported;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.stats.MemoryEvents;
import io.phoenix.metrics.stats.SampleStore;
import io.phoenix.metrics.stats.StatsSample;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** OOM kills per name: three witnesses of the same kills, each kill once, kept across replacement. */
class OomTallyTest {

    private static final Instant T0 = Instant.parse("2026-11-30T06:00:00Z");
    private final SampleStore store = new SampleStore();
    private final OomTally tally = new OomTally();

    OomTallyTest() {
        tally.start(new LabelPolicy(List.of("team")), store);
    }

    private static ContainerInfo container(String id, String name, ContainerState state, Instant finishedAt, Boolean oomKilled) {
        return new ContainerInfo(id + "0".repeat(60), name, "busybox:local", Map.of("team", "a", "io.kubernetes.pod.name", "web-0"),
                state, T0, T0, finishedAt, 0, finishedAt == null ? null : 137, HealthStatus.NONE, null, RuntimeKind.DOCKER,
                "unix:///d.sock", null, oomKilled, 16L << 20);
    }

    private void kernelSays(ContainerInfo c, long oomKills) {
        store.accept(new StatsSample(c.id(), Instant.now(), null, null, null, List.of(), List.of(), null,
                new MemoryEvents(oomKills, null, null, null)));
    }

    private long count(String name) {
        return tally.byName().entrySet().stream().filter(e -> e.getKey().get("container_name").equals(name))
                .mapToLong(Map.Entry::getValue).sum();
    }

    @Test
    void labelledLikeContainerInfoWithoutTheId() {
        tally.onChange(new InventoryChange.Added(container("aaaa", "web", ContainerState.RUNNING, null, false)));
        Map<String, String> labels = tally.byName().keySet().iterator().next();
        assertEquals(Map.of("container_name", "web", "image", "busybox:local", "runtime", "docker", "pod", "web-0",
                "namespace", "", "container", "", "pod_uid", "", "container_label_team", "a"), labels);
        assertFalse(labels.containsKey("container_id"));
        assertEquals(0, count("web"), "a present name is there at 0, so increase() sees the first kill");
    }

    @Test
    void theWitnessesOfOneKillCountItOnce() {
        ContainerInfo running = container("aaaa", "web", ContainerState.RUNNING, null, false);
        tally.onChange(new InventoryChange.Added(running));
        tally.onOom(new OomReported(running, 100));
        tally.onOom(new OomReported(running, 100)); // replayed after a reconnect of the event stream
        tally.onOom(new OomReported(running, 2_500_100)); // Docker's second event for the same kill, 2.5 ms later
        assertEquals(1, count("web"), "the events of one kill count once");
        kernelSays(running, 1);
        assertEquals(1, count("web"));
        ContainerInfo exited = container("aaaa", "web", ContainerState.EXITED, T0.plusSeconds(5), true);
        tally.onChange(new InventoryChange.Updated(running, exited));
        assertEquals(1, count("web"), "the exit the engine marks OOMKilled is the same kill");
        kernelSays(running, 2); // not possible after exit, but a second kill the kernel saw is a second kill
        assertEquals(2, count("web"));
    }

    @Test
    void theCountOutlivesTheContainerAndAddsUpAcrossReplacements() {
        ContainerInfo first = container("aaaa", "web", ContainerState.RUNNING, null, false);
        tally.onChange(new InventoryChange.Added(first));
        kernelSays(first, 3);
        tally.onChange(new InventoryChange.Removed(first));
        assertEquals(3, count("web"));
        ContainerInfo second = container("bbbb", "web", ContainerState.RUNNING, null, false);
        tally.onChange(new InventoryChange.Added(second));
        tally.onOom(new OomReported(second, 200));
        assertEquals(4, count("web"));
        kernelSays(second, 0);
        kernelSays(second, 1);
        assertEquals(4, count("web"), "the engine's event and the kernel's count are the same kill");
        kernelSays(second, 2);
        assertEquals(5, count("web"));
    }

    @Test
    void aRestartInANewCgroupKeepsWhatTheKernelCountedBefore() {
        ContainerInfo c = container("aaaa", "db", ContainerState.RUNNING, null, false);
        tally.onChange(new InventoryChange.Added(c));
        kernelSays(c, 2);
        kernelSays(c, 0);
        kernelSays(c, 1);
        assertEquals(3, count("db"));
    }

    @Test
    void namesWithoutKillsGoWithTheirContainer() {
        ContainerInfo c = container("aaaa", "quiet", ContainerState.RUNNING, null, false);
        tally.onChange(new InventoryChange.Added(c));
        tally.onChange(new InventoryChange.Removed(c));
        assertEquals(Map.of(), tally.byName());
    }

    @Test
    void oomKilledIsOnlyShownForAStoppedContainer() {
        ContainerInfo running = container("aaaa", "web", ContainerState.RUNNING, null, false);
        ContainerInfo killed = container("aaaa", "web", ContainerState.EXITED, T0, true);
        ContainerInfo unknown = container("aaaa", "web", ContainerState.EXITED, T0, null);
        LabelPolicy policy = new LabelPolicy(List.of());
        assertEquals(null, OomCollector.oomKilled(new ContainerSnapshot(running, null, T0, policy.base(running), Map.of())));
        assertEquals(1, OomCollector.oomKilled(new ContainerSnapshot(killed, null, T0, policy.base(killed), Map.of())));
        assertEquals(null, OomCollector.oomKilled(new ContainerSnapshot(unknown, null, T0, policy.base(unknown), Map.of())));
    }
}
