package io.phoenix.metrics.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointResolverTest {

    private static final Path DOCKER = Path.of("/var/run/docker.sock");
    private static final Path PODMAN = Path.of("/run/podman/podman.sock");

    private static EndpointResolver resolver(Map<String, String> env, Set<Path> existing, Map<Path, Path> links) {
        return new EndpointResolver(env, existing::contains, p -> links.getOrDefault(p, p));
    }

    private static List<String> uris(List<RuntimeEndpoint> endpoints) {
        return endpoints.stream().map(RuntimeEndpoint::uri).toList();
    }

    @Test
    void explicitConfigWinsAndKeepsMissingSockets() {
        var r = resolver(Map.of("DOCKER_HOST", "unix:///env/docker.sock"), Set.of(DOCKER), Map.of());
        var endpoints = r.resolve(Optional.of(List.of("unix:///a.sock", " unix:///gone.sock ")), true);
        assertEquals(List.of("unix:///a.sock", "unix:///gone.sock"), uris(endpoints));
        assertTrue(endpoints.stream().allMatch(e -> e.origin() == RuntimeEndpoint.Origin.CONFIG));
    }

    @Test
    void badConfiguredUriNamesTheKeyAndValue() {
        var r = resolver(Map.of(), Set.of(), Map.of());
        var error = assertThrows(IllegalArgumentException.class,
                () -> r.resolve(Optional.of(List.of("tcp://127.0.0.1:2375")), true));
        assertTrue(error.getMessage().contains("metrics.runtimes=tcp://127.0.0.1:2375"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.resolve(Optional.of(List.of("unix://relative.sock")), true));
    }

    @Test
    void autodetectOrderIsDockerHostContainerHostThenWellKnown() {
        var env = Map.of("DOCKER_HOST", "unix:///env/docker.sock", "CONTAINER_HOST", "unix:///env/podman.sock",
                "XDG_RUNTIME_DIR", "/run/user/1000");
        var rootless = Path.of("/run/user/1000/podman/podman.sock");
        var endpoints = resolver(env, Set.of(DOCKER, PODMAN, rootless), Map.of()).resolve(Optional.empty(), true);
        assertEquals(List.of("unix:///env/docker.sock", "unix:///env/podman.sock", "unix://" + DOCKER, "unix://" + PODMAN,
                "unix://" + rootless), uris(endpoints));
        assertEquals(RuntimeEndpoint.Origin.DOCKER_HOST, endpoints.get(0).origin());
        assertEquals(RuntimeEndpoint.Origin.CONTAINER_HOST, endpoints.get(1).origin());
        assertEquals(RuntimeEndpoint.Origin.WELL_KNOWN, endpoints.get(2).origin());
    }

    @Test
    void criSocketsOfKubernetesNodesAreFound() {
        var containerd = Path.of("/run/containerd/containerd.sock");
        var crio = Path.of("/var/run/crio/crio.sock");
        var endpoints = resolver(Map.of("CONTAINER_RUNTIME_ENDPOINT", "unix:///env/cri.sock"), Set.of(containerd, crio), Map.of())
                .resolve(Optional.empty(), true);
        assertEquals(List.of("unix:///env/cri.sock", "unix://" + containerd, "unix://" + crio), uris(endpoints));
        assertEquals(RuntimeEndpoint.Origin.CONTAINER_RUNTIME_ENDPOINT, endpoints.get(0).origin());
        assertEquals(RuntimeEndpoint.Origin.WELL_KNOWN, endpoints.get(1).origin());
    }

    @Test
    void wellKnownSocketsAreTakenOnlyWhenPresent() {
        var endpoints = resolver(Map.of(), Set.of(PODMAN), Map.of()).resolve(Optional.empty(), true);
        assertEquals(List.of("unix://" + PODMAN), uris(endpoints));
    }

    @Test
    void symlinkedSocketsAreOneEndpoint() {
        // podman-docker links /var/run/docker.sock to Podman's socket: one engine, not two.
        var endpoints = resolver(Map.of(), Set.of(DOCKER, PODMAN), Map.of(DOCKER, PODMAN)).resolve(Optional.empty(), true);
        assertEquals(List.of("unix://" + DOCKER), uris(endpoints));
    }

    @Test
    void nonUnixEnvironmentValuesAreIgnored() {
        var endpoints = resolver(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375", "CONTAINER_HOST", "ssh://core@host/run/podman.sock"),
                Set.of(), Map.of()).resolve(Optional.empty(), true);
        assertEquals(List.of(), endpoints);
    }

    @Test
    void noEndpointAtAllWhenNothingIsThereOrAutodetectIsOff() {
        assertEquals(List.of(), resolver(Map.of(), Set.of(), Map.of()).resolve(Optional.empty(), true));
        assertEquals(List.of(), resolver(Map.of("DOCKER_HOST", "unix:///x.sock"), Set.of(DOCKER), Map.of())
                .resolve(Optional.of(List.of()), false));
    }
}
