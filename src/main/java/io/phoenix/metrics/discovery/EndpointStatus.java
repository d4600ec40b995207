package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeEndpoint;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.phoenix.metrics.runtime.RuntimeKind;

import java.time.Instant;

/**
 * One endpoint as the API shows it.
 *
 * @param socket         the socket URI
 * @param origin         where the agent learnt of it (config, DOCKER_HOST, CONTAINER_HOST, well-known path)
 * @param runtime        null until the engine has answered /version
 * @param state          see {@link EndpointState}
 * @param since          when it entered this state
 * @param lastError      the most recent error, kept after recovery so a flapping endpoint can be diagnosed
 * @param lastErrorAt    when that error happened
 * @param lastEventAt    when the last container event arrived
 * @param containerCount containers known on this endpoint
 * @param circuit        the endpoint's circuit breaker: closed, open (requests refused without asking) or half_open
 * @param statsStreams   stats streams open to it
 */
public record EndpointStatus(
        String socket,
        RuntimeEndpoint.Origin origin,
        RuntimeKind runtime,
        String version,
        String apiVersion,
        EndpointState state,
        Instant since,
        String lastError,
        Instant lastErrorAt,
        Instant lastEventAt,
        int containerCount,
        String circuit,
        int statsStreams) {

    static EndpointStatus connecting(RuntimeEndpoint endpoint) {
        return new EndpointStatus(endpoint.uri(), endpoint.origin(), null, null, null, EndpointState.CONNECTING,
                Instant.now(), null, null, null, 0, "closed", 0);
    }

    EndpointStatus withIdentity(RuntimeIdentity identity) {
        return new EndpointStatus(socket, origin, identity.kind(), identity.version(), identity.apiVersion(), state, since,
                lastError, lastErrorAt, lastEventAt, containerCount, circuit, statsStreams);
    }

    /** {@code since} moves only when the state actually changes. */
    EndpointStatus withState(EndpointState next, Instant now) {
        return new EndpointStatus(socket, origin, runtime, version, apiVersion, next, next == state ? since : now,
                lastError, lastErrorAt, lastEventAt, containerCount, circuit, statsStreams);
    }

    EndpointStatus withError(String message, Instant at) {
        return new EndpointStatus(socket, origin, runtime, version, apiVersion, state, since, message, at, lastEventAt,
                containerCount, circuit, statsStreams);
    }

    EndpointStatus withLastEvent(Instant at) {
        return new EndpointStatus(socket, origin, runtime, version, apiVersion, state, since, lastError, lastErrorAt, at,
                containerCount, circuit, statsStreams);
    }

    EndpointStatus withContainerCount(int count) {
        return new EndpointStatus(socket, origin, runtime, version, apiVersion, state, since, lastError, lastErrorAt,
                lastEventAt, count, circuit, statsStreams);
    }

    EndpointStatus withCircuit(String state) {
        return new EndpointStatus(socket, origin, runtime, version, apiVersion, this.state, since, lastError, lastErrorAt,
                lastEventAt, containerCount, state, statsStreams);
    }

    public EndpointStatus withStatsStreams(int streams) {
        return new EndpointStatus(socket, origin, runtime, version, apiVersion, state, since, lastError, lastErrorAt,
                lastEventAt, containerCount, circuit, streams);
    }
}
