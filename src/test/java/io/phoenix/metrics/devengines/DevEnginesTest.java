package io.phoenix.metrics.devengines;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dev mode's private engines: when they are wanted, what counts as "an engine is already there", starting them
 * through scripts/runtimes.sh (idempotent: here they are already up, and nothing stops them), and the demo
 * containers, made and removed on both real engines.
 */
@Tag("engine")
class DevEnginesTest {

    @Test
    void onlyInDevAndOnlyWhenNothingIsConfiguredOrSwitchedOff() {
        Map<String, String> none = Map.of();
        assertTrue(DevEnginesConfigSourceFactory.wanted(List.of("dev"), none::get));
        assertFalse(DevEnginesConfigSourceFactory.wanted(List.of("prod"), none::get));
        assertFalse(DevEnginesConfigSourceFactory.wanted(List.of("test"), none::get));
        for (var off : List.of(Map.of("phoenix.dev.engines", "false"), Map.of("quarkus.devservices.enabled", "false"),
                Map.of("metrics.autodetect", "false"), Map.of("metrics.runtimes", "unix:///var/run/docker.sock"))) {
            assertFalse(DevEnginesConfigSourceFactory.wanted(List.of("dev"), off::get), off.toString());
        }
    }

    @Test
    void anEngineVariableOrWellKnownSocketMeansNoDevEngines() {
        Path here = Path.of(".");
        assertFalse(new DevEngines(Map.of(), p -> false, here).anySocketFound());
        assertTrue(new DevEngines(Map.of("DOCKER_HOST", "unix:///x/docker.sock"), p -> false, here).anySocketFound());
        assertFalse(new DevEngines(Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375"), p -> false, here).anySocketFound());
        assertTrue(new DevEngines(Map.of(), p -> p.equals(Path.of("/run/containerd/containerd.sock")), here).anySocketFound());
        assertTrue(new DevEngines(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"),
                p -> p.equals(Path.of("/run/user/1000/podman/podman.sock")), here).anySocketFound());
    }

    @Test
    void startsThePrivateEnginesAndNamesTheirSockets() {
        Map<String, String> env = new HashMap<>();
        env.put("PHOENIX_RUNTIME_DIR", Engine.runtimeDir().toString());
        DevEngines engines = new DevEngines(env, p -> false, Path.of(System.getProperty("user.dir")));
        String before = System.getProperty(DevEngines.STARTED);
        try {
            System.clearProperty(DevEngines.STARTED);
            Optional<String> runtimes = engines.start();
            assertEquals(Optional.of(Engine.DOCKER.uri() + "," + Engine.PODMAN.uri()), runtimes);
            assertEquals(Engine.runtimeDir().toString(), System.getProperty(DevEngines.STARTED));
        } finally {
            if (before == null) {
                System.clearProperty(DevEngines.STARTED);
            } else {
                System.setProperty(DevEngines.STARTED, before);
            }
        }
    }

    @Test
    void demoContainersAreLabelledAndRemoved() {
        DemoContainers demo = new DemoContainers(Engine.runtimeDir(), EngineFixture.uniqueName("demo") + "-");
        try {
            demo.start("docker");
            demo.start("podman");
            assertEquals(2, demo.names().size(), "started: " + demo.names());
            for (String name : demo.names()) {
                String engine = name.endsWith("ticker") ? "docker" : "podman";
                assertEquals(name, ps(demo, engine, name), engine);
            }
        } finally {
            List<String> names = demo.names();
            demo.removeAll();
            for (String name : names) {
                assertEquals("", ps(demo, name.endsWith("ticker") ? "docker" : "podman", name));
            }
        }
    }

    /** The names of running containers with the demo label and this name, as the engine's client lists them. */
    private static String ps(DemoContainers demo, String engine, String name) {
        List<String> command = new java.util.ArrayList<>(demo.client(engine));
        command.addAll(List.of("ps", "--filter", "label=" + DemoContainers.LABEL, "--filter", "name=^" + name + "$",
                "--format", "{{.Names}}"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).strip();
            process.waitFor();
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
