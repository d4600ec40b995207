package io.phoenix.metrics.runtime;

import java.nio.file.Path;

/**
 * One engine socket the agent talks to, and where the agent learnt of it.
 *
 * @param socket path of the Unix socket
 * @param origin which configuration source named it (shown in the API, so a surprise endpoint can be traced)
 */
public record RuntimeEndpoint(Path socket, Origin origin) {

    public enum Origin { CONFIG, DOCKER_HOST, CONTAINER_HOST, CONTAINER_RUNTIME_ENDPOINT, WELL_KNOWN }

    public String uri() {
        return "unix://" + socket;
    }
}
