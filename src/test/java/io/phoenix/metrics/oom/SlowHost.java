package io.phoenix.metrics.oom;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Profiles for a loaded 2-core machine, where Podman's /version can take 5-15 s while other suites run. */
final class SlowHost {

    private SlowHost() {
    }

    /** The default source, with a request timeout that a loaded Podman (whose /version then takes 5-15 s) meets. */
    public static class Patient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.discovery.request-timeout", "30s");
        }
    }

    /** The same through the engines' stats streams. */
    public static class PatientApiSource implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.discovery.request-timeout", "30s", "metrics.source", "api");
        }
    }
}
