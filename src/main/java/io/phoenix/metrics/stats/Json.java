package io.phoenix.metrics.stats;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.vertx.core.json.JsonObject;

/** Typed reads of engine JSON: absent is null, a wrong type is a protocol error naming the field. */
final class Json {

    private Json() {
    }

    static JsonObject object(JsonObject json, String field) {
        Object value = json == null ? null : json.getValue(field);
        if (value == null || value instanceof JsonObject) {
            return (JsonObject) value;
        }
        throw new RuntimeApiException.Protocol("stats: " + field + " should be an object, got " + value.getClass().getSimpleName());
    }

    static Long number(JsonObject json, String field) {
        Object value = json == null ? null : json.getValue(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new RuntimeApiException.Protocol("stats: " + field + " should be a number, got " + value.getClass().getSimpleName());
    }
}
