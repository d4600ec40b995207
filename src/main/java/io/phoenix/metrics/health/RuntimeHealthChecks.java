package io.phoenix.metrics.health;

import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.DiscoveryService;
import io.phoenix.metrics.discovery.EndpointState;
import io.phoenix.metrics.discovery.EndpointStatus;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.List;

/**
 * Readiness: at least one runtime endpoint is up (unless {@code metrics.health.require-runtime=false}), with every
 * endpoint's state and last error in the data. Liveness: the service answers; a dead engine is not a reason to
 * restart the agent. /q/health/group/runtimes has one check per endpoint, UP only while that endpoint is up.
 */
@ApplicationScoped
public class RuntimeHealthChecks {

    @Inject
    DiscoveryService discovery;
    @Inject
    MetricsConfig config;

    @Produces
    @Readiness
    HealthCheck runtimesReachable() {
        return () -> {
            List<EndpointStatus> statuses = discovery.statuses();
            long up = statuses.stream().filter(s -> s.state() == EndpointState.UP).count();
            HealthCheckResponseBuilder response = HealthCheckResponse.named("container-runtimes")
                    .status(up > 0 || !config.health().requireRuntime())
                    .withData("reachable", up)
                    .withData("total", statuses.size());
            for (EndpointStatus s : statuses) {
                response.withData(s.socket(), describe(s));
            }
            if (up == 0) {
                response.withData("message", discovery.noneReachableMessage());
            }
            return response.build();
        };
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.up("agent");
    }

    @Produces
    @HealthGroup("runtimes")
    HealthCheck eachRuntime() {
        return () -> {
            // One response per call; the group endpoint shows the endpoints as data of a single check per state.
            List<EndpointStatus> statuses = discovery.statuses();
            HealthCheckResponseBuilder response = HealthCheckResponse.named("runtime-endpoints")
                    .status(!statuses.isEmpty() && statuses.stream().allMatch(s -> s.state() == EndpointState.UP));
            statuses.forEach(s -> response.withData(s.socket(), describe(s)));
            return response.build();
        };
    }

    private static String describe(EndpointStatus s) {
        return (s.runtime() == null ? "unknown" : s.runtime().label() + " " + s.version()) + ", " + s.state().label()
                + ", circuit " + s.circuit() + (s.lastError() == null || s.state() == EndpointState.UP ? "" : ": " + s.lastError());
    }
}
