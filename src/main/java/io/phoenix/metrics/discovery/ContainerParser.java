package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Engine JSON to {@link ContainerInfo}. Container names and labels are untrusted input: they are carried as
 * data, never interpreted. A field of the wrong type is a protocol error naming the field; an absent optional
 * field is simply unknown.
 */
public final class ContainerParser {

    /** Go's zero time, which both engines send for "never". */
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private ContainerParser() {
    }

    /** From {@code GET /containers/{id}/json}. */
    public static ContainerInfo fromInspect(JsonObject inspect, RuntimeKind runtime, String endpoint) {
        String id = requiredString(inspect, "Id");
        JsonObject state = object(inspect, "State");
        JsonObject config = object(inspect, "Config");
        String name = stripSlash(string(inspect, "Name"));
        ContainerState status = ContainerState.parse(string(state, "Status"));
        Instant finishedAt = time(state, "FinishedAt");
        Integer reportedExit = integer(state, "ExitCode");
        // Engines say 0 for a container that never exited: that is not an exit code.
        Integer exitCode = finishedAt == null && status != ContainerState.EXITED && status != ContainerState.DEAD
                ? null : reportedExit;
        JsonObject health = object(state, "Health");
        String image = string(config, "Image");
        Integer pid = integer(state, "Pid");
        return new ContainerInfo(
                id,
                name == null || name.isEmpty() ? id.substring(0, Math.min(12, id.length())) : name,
                image != null ? image : string(inspect, "Image"),
                labels(config, "Labels"),
                status,
                time(inspect, "Created"),
                time(state, "StartedAt"),
                finishedAt,
                integer(inspect, "RestartCount") == null ? 0 : integer(inspect, "RestartCount"),
                exitCode,
                HealthStatus.parse(string(health, "Status")),
                pid == null || pid <= 0 ? null : pid,
                runtime,
                endpoint,
                null,
                state == null || !(state.getValue("OOMKilled") instanceof Boolean killed) ? null : killed,
                memoryLimit(object(inspect, "HostConfig")));
    }

    /** HostConfig.Memory: 0 (or absent in a HostConfig that is there) means no limit. */
    private static Long memoryLimit(JsonObject hostConfig) {
        if (hostConfig == null) {
            return null;
        }
        Object value = hostConfig.getValue("Memory");
        return value instanceof Number n ? Long.valueOf(Math.max(0, n.longValue())) : value == null ? Long.valueOf(0) : null;
    }

    /**
     * What a list entry says that inspect would tell more precisely: if this is unchanged since the last list,
     * the container need not be inspected again.
     */
    public static String listKey(JsonObject item) {
        JsonArray names = item.getValue("Names") instanceof JsonArray a ? a : new JsonArray();
        return string(item, "State") + '|' + names.encode() + '|' + healthHint(string(item, "Status"));
    }

    public static String listId(JsonObject item) {
        return requiredString(item, "Id");
    }

    private static String healthHint(String status) {
        if (status == null) {
            return "";
        }
        int open = status.lastIndexOf('(');
        return open < 0 ? "" : status.substring(open);
    }

    static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    private static String requiredString(JsonObject json, String field) {
        String value = string(json, field);
        if (value == null || value.isEmpty()) {
            throw new RuntimeApiException.Protocol("container JSON without " + field);
        }
        return value;
    }

    private static String string(JsonObject json, String field) {
        if (json == null) {
            return null;
        }
        Object value = json.getValue(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new RuntimeApiException.Protocol("container JSON: " + field + " should be a string, got " + value.getClass().getSimpleName());
    }

    private static Integer integer(JsonObject json, String field) {
        Object value = json == null ? null : json.getValue(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return number.intValue();
        }
        throw new RuntimeApiException.Protocol("container JSON: " + field + " should be a number, got " + value.getClass().getSimpleName());
    }

    private static JsonObject object(JsonObject json, String field) {
        Object value = json == null ? null : json.getValue(field);
        if (value == null || value instanceof JsonObject) {
            return (JsonObject) value;
        }
        throw new RuntimeApiException.Protocol("container JSON: " + field + " should be an object, got " + value.getClass().getSimpleName());
    }

    private static Map<String, String> labels(JsonObject json, String field) {
        JsonObject labels = object(json, field);
        if (labels == null) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : labels) {
            if (entry.getValue() != null) {
                result.put(entry.getKey(), String.valueOf(entry.getValue()));
            }
        }
        return result;
    }

    /** RFC 3339 with nanoseconds and any offset; Go's zero time and empty strings mean "never". */
    static Instant time(JsonObject json, String field) {
        String value = string(json, field);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            Instant instant = OffsetDateTime.parse(value).toInstant();
            return instant.equals(GO_ZERO_TIME) ? null : instant;
        } catch (DateTimeParseException e) {
            throw new RuntimeApiException.Protocol("container JSON: " + field + " is not a time: " + value);
        }
    }
}
