package io.phoenix.metrics.testing.cri;

import io.phoenix.metrics.testing.Engine;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.Map;

/**
 * One agent over Docker, Podman, the shared CRI containerd of scripts/runtimes.sh, a CRI containerd of the fault
 * tests' own (stopped and started under the agent; never the shared one) and a socket that answers garbage.
 */
public class CriProfile implements QuarkusTestProfile {

    public static final Path SHARED_CRI = Engine.runtimeDir().resolve("cri/containerd.sock");
    /** Its own pidfile name and directory under the runtime dir, so scripts/runtimes.sh can start it (and only it). */
    public static final String OWN_NAME = "phx-cri-faults-" + ProcessHandle.current().pid();
    public static final Path OWN_DIR = Engine.runtimeDir().resolve(OWN_NAME);
    public static final Path OWN_CRI = OWN_DIR.resolve("containerd.sock");
    public static final Path GARBAGE = Engine.runtimeDir().resolve("phx-garbage-" + ProcessHandle.current().pid() + ".sock");

    @Override
    public Map<String, String> getConfigOverrides() {
        GarbageSocket.listen(GARBAGE);
        // A generous request timeout: the shared engines answer slowly while other suites load them.
        return Map.of("metrics.discovery.request-timeout", "15s", "metrics.runtimes", String.join(",", Engine.DOCKER.uri(), Engine.PODMAN.uri(), "unix://" + SHARED_CRI,
                "unix://" + OWN_CRI, "unix://" + GARBAGE));
    }
}
