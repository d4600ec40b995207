package io.phoenix.metrics.api;

import io.phoenix.metrics.collector.MetricStore;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.discovery.ContainerLookup;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

@Path("/api/containers")
@Produces(MediaType.APPLICATION_JSON)
@NonBlocking
public class ContainersResource {

    @Inject
    ContainerInventory inventory;
    @Inject
    MetricStore store;

    /** All known containers, sorted by runtime and name; {@code runtime} and {@code state} filter. */
    @GET
    public List<ContainerInfo> list(@QueryParam("runtime") String runtime, @QueryParam("state") String state) {
        Stream<ContainerInfo> containers = inventory.all().stream();
        if (runtime != null && !runtime.isBlank()) {
            RuntimeKind kind = parseRuntime(runtime);
            containers = containers.filter(c -> c.runtime() == kind);
        }
        if (state != null && !state.isBlank()) {
            ContainerState wanted = parseState(state);
            containers = containers.filter(c -> c.state() == wanted);
        }
        return containers.sorted(Comparator.comparing((ContainerInfo c) -> c.runtime().label()).thenComparing(ContainerInfo::name))
                .toList();
    }

    /** By full id, name, or unique id prefix (12 characters as the CLI shows them, or shorter). */
    @GET
    @Path("/{ref}")
    public ContainerInfo get(@PathParam("ref") String reference) {
        return resolve(inventory, reference);
    }

    /** The container's current values, from memory; {@code ?format=prometheus} gives the seed's line format. */
    public record ContainerMetricsView(String id, String name, String runtime, List<MetricValue> metrics) {
    }

    @GET
    @Path("/{ref}/metrics")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    public Response metrics(@PathParam("ref") String reference, @QueryParam("format") String format) {
        ContainerInfo container = resolve(inventory, reference);
        List<MetricValue> values = store.of(container.id());
        if (format == null || format.isBlank() || format.equals("json")) {
            return Response.ok(new ContainerMetricsView(container.id(), container.name(), container.runtime().label(), values),
                    MediaType.APPLICATION_JSON_TYPE).build();
        }
        if (format.equals("prometheus")) {
            String lines = values.stream().map(MetricValue::toPrometheusFormat).collect(Collectors.joining("\n", "", values.isEmpty() ? "" : "\n"));
            return Response.ok(lines, MediaType.TEXT_PLAIN_TYPE).build();
        }
        throw new ApiException(Response.Status.BAD_REQUEST, "format=" + format + ": expected json or prometheus");
    }

    /** @throws ApiException 404 for no such container, 409 for a prefix of several */
    static ContainerInfo resolve(ContainerInventory inventory, String reference) {
        ContainerLookup lookup = inventory.find(reference);
        if (lookup instanceof ContainerLookup.Found found) {
            return found.container();
        }
        if (lookup instanceof ContainerLookup.Ambiguous ambiguous) {
            throw new ApiException(Response.Status.CONFLICT, "'" + reference + "' matches " + ambiguous.candidates().size()
                    + " containers: " + ambiguous.candidates().stream()
                    .map(c -> c.shortId() + " (" + c.name() + ", " + c.runtime().label() + ")").collect(Collectors.joining(", "))
                    + "; use the full id");
        }
        throw new ApiException(Response.Status.NOT_FOUND, "no container with id, id prefix or name '" + reference + "'");
    }

    private static RuntimeKind parseRuntime(String value) {
        try {
            return RuntimeKind.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "runtime=" + value + ": expected one of "
                    + Arrays.stream(RuntimeKind.values()).map(RuntimeKind::label).collect(Collectors.joining(", ")));
        }
    }

    private static ContainerState parseState(String value) {
        try {
            return ContainerState.fromLabel(value.trim());
        } catch (IllegalArgumentException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "state=" + value + ": expected one of "
                    + Arrays.stream(ContainerState.values()).map(ContainerState::label).collect(Collectors.joining(", ")));
        }
    }
}
