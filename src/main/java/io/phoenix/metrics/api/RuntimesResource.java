package io.phoenix.metrics.api;

import io.phoenix.metrics.discovery.DiscoveryService;
import io.phoenix.metrics.discovery.EndpointState;
import io.phoenix.metrics.discovery.EndpointStatus;
import io.phoenix.metrics.stats.StatsPipeline;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

@Path("/api/runtimes")
@Produces(MediaType.APPLICATION_JSON)
@NonBlocking
public class RuntimesResource {

    /**
     * @param message null while at least one endpoint is up; otherwise why nothing is (none configured, none answering)
     */
    public record RuntimesView(int total, int reachable, String message, List<EndpointStatus> runtimes) {
    }

    @Inject
    DiscoveryService discovery;
    @Inject
    StatsPipeline stats;

    @GET
    public RuntimesView list() {
        List<EndpointStatus> statuses = discovery.statuses().stream()
                .map(s -> s.withStatsStreams(stats.openStreams(s.socket()))).toList();
        int reachable = (int) statuses.stream().filter(s -> s.state() == EndpointState.UP).count();
        return new RuntimesView(statuses.size(), reachable, reachable > 0 ? null : discovery.noneReachableMessage(), statuses);
    }
}
