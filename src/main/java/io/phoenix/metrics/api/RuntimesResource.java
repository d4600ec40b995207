package io.phoenix.metrics.api;

import io.phoenix.metrics.discovery.DiscoveryService;
import io.phoenix.metrics.discovery.EndpointState;
import io.phoenix.metrics.discovery.EndpointStatus;
import io.phoenix.metrics.stats.StatsPipeline;
import io.phoenix.metrics.stats.cgroup.CgroupSampler;
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
     * @param message      null while at least one endpoint is up; otherwise why nothing is (none configured, none answering)
     * @param source       where the numbers come from: "cgroup" (kernel files) or "api" (the engines' stats streams)
     * @param sourceReason why (metrics.source, and for auto whether the cgroup and proc files were readable)
     */
    public record RuntimesView(int total, int reachable, String message, String source, String sourceReason,
                               List<EndpointStatus> runtimes) {
    }

    @Inject
    DiscoveryService discovery;
    @Inject
    StatsPipeline stats;
    @Inject
    CgroupSampler cgroup;

    @GET
    public RuntimesView list() {
        List<EndpointStatus> statuses = discovery.statuses().stream()
                .map(s -> s.withStatsStreams(stats.openStreams(s.socket()))).toList();
        int reachable = (int) statuses.stream().filter(s -> s.state() == EndpointState.UP).count();
        io.phoenix.metrics.stats.cgroup.SourceChoice decision = cgroup.decision();
        return new RuntimesView(statuses.size(), reachable, reachable > 0 ? null : discovery.noneReachableMessage(),
                decision.cgroup() ? "cgroup" : "api", decision.reason(), statuses);
    }
}
