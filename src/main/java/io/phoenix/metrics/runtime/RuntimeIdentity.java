package io.phoenix.metrics.runtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What an endpoint says it is in {@code GET /version}.
 *
 * @param kind       Docker or Podman; becomes the {@code runtime} of the endpoint's containers
 * @param version    engine version, e.g. 20.10.24+dfsg1 or 4.3.1
 * @param apiVersion highest Docker API version the engine serves
 */
public record RuntimeIdentity(RuntimeKind kind, String version, String apiVersion) {

    /** Podman names itself in the component list ("Podman Engine"); Docker's components are "Engine", "containerd"... */
    public static RuntimeIdentity fromVersion(JsonObject version) {
        String engineVersion = version.getValue("Version") instanceof String s ? s : null;
        String apiVersion = version.getValue("ApiVersion") instanceof String s ? s : null;
        if (engineVersion == null || apiVersion == null) {
            throw new RuntimeApiException.Protocol("/version: no Version/ApiVersion, not a Docker API engine: " + abbreviate(version));
        }
        boolean podman = false;
        if (version.getValue("Components") instanceof JsonArray components) {
            for (Object component : components) {
                if (component instanceof JsonObject c && c.getValue("Name") instanceof String name
                        && name.toLowerCase(java.util.Locale.ROOT).contains("podman")) {
                    podman = true;
                }
            }
        }
        return new RuntimeIdentity(podman ? RuntimeKind.PODMAN : RuntimeKind.DOCKER, engineVersion, apiVersion);
    }

    private static String abbreviate(JsonObject json) {
        String text = json.encode();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
