package io.phoenix.metrics.api;

import io.phoenix.metrics.output.remotewrite.OutputStatus;
import io.phoenix.metrics.output.remotewrite.RemoteWriteSender;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** Where the agent pushes its data, besides being scraped: today the remote-write receiver, when configured. */
@Path("/api/outputs")
@Produces(MediaType.APPLICATION_JSON)
@NonBlocking
public class OutputsResource {

    public record OutputsView(List<OutputStatus> outputs) {
    }

    @Inject
    RemoteWriteSender remoteWrite;

    @GET
    public OutputsView list() {
        return new OutputsView(remoteWrite.status().stream().toList());
    }
}
