package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.testing.Recorded;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * State.OOMKilled and HostConfig.Memory from recorded inspects; docker-inspect-oomkilled.json is a Docker 20.10
 * container run with {@code --memory 16m --memory-swap 16m} whose only process, {@code dd bs=64M}, the kernel killed.
 */
class OomInspectTest {

    @Test
    void anOomKilledContainer() {
        ContainerInfo c = ContainerParser.fromInspect(Recorded.json("docker-inspect-oomkilled.json"), RuntimeKind.DOCKER, "unix:///d.sock");
        assertEquals(ContainerState.EXITED, c.state());
        assertEquals(137, c.exitCode());
        assertEquals(Boolean.TRUE, c.oomKilled());
        assertEquals(16777216L, c.memoryLimit());
    }

    @Test
    void unlimitedAndNotKilled() {
        for (String file : new String[]{"docker-inspect-running.json", "podman-inspect-exited.json"}) {
            ContainerInfo c = ContainerParser.fromInspect(Recorded.json(file), RuntimeKind.DOCKER, "unix:///d.sock");
            assertEquals(Boolean.FALSE, c.oomKilled(), file);
            assertEquals(0L, c.memoryLimit(), file + ": HostConfig.Memory 0 is no limit");
        }
    }

    @Test
    void withoutTheFieldsBothAreUnknown() {
        var inspect = Recorded.json("docker-inspect-running.json");
        inspect.getJsonObject("State").remove("OOMKilled");
        inspect.remove("HostConfig");
        ContainerInfo c = ContainerParser.fromInspect(inspect, RuntimeKind.DOCKER, "unix:///d.sock");
        assertEquals(null, c.oomKilled());
        assertEquals(null, c.memoryLimit());
    }
}
