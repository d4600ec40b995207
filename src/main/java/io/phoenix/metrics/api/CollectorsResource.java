package io.phoenix.metrics.api;

import io.phoenix.metrics.collector.CollectionScheduler;
import io.phoenix.metrics.collector.CollectorConfig;
import io.phoenix.metrics.collector.CollectorRegistry;
import io.phoenix.metrics.collector.CollectorStatus;
import io.phoenix.metrics.collector.ContainerMetricsCollector;
import io.phoenix.metrics.collector.MetricsCollector;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

@Path("/api/collectors")
@Produces(MediaType.APPLICATION_JSON)
@NonBlocking
public class CollectorsResource {

    /**
     * @param scope  "container" or "system"
     * @param status null for a disabled collector, which never runs
     */
    public record CollectorView(String name, String scope, CollectorConfig config, CollectorStatus status) {
    }

    @Inject
    CollectorRegistry registry;
    @Inject
    CollectionScheduler scheduler;

    @GET
    public List<CollectorView> list() {
        return registry.collectors().stream().map(this::view).toList();
    }

    @GET
    @Path("/{name}")
    public CollectorView get(@PathParam("name") String name) {
        return registry.get(name).map(this::view).orElseThrow(() -> new ApiException(Response.Status.NOT_FOUND,
                "no collector '" + name + "' (known: " + String.join(", ", registry.collectors().stream()
                        .map(c -> c.config().name()).toList()) + ")"));
    }

    private CollectorView view(MetricsCollector collector) {
        CollectorConfig config = collector.config();
        return new CollectorView(config.name(), collector instanceof ContainerMetricsCollector ? "container" : "system", config,
                config.enabled() ? scheduler.status(config.name()).orElse(null) : null);
    }
}
