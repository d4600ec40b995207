package io.phoenix.metrics.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the API as JSON {@link ApiError}, including JAX-RS' own (unknown path, wrong method). */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return json(ApiError.of(e));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return json(new ApiError(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()));
    }

    static Response json(ApiError error) {
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
