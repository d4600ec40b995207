package io.phoenix.metrics.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Consumer;

/**
 * Size caps on everything an engine sends, which the agent does not control. Real engines stay far below each
 * (a stats object or event is a few KiB, an inspect a few tens); an input over a cap is dropped or cut, counted
 * as {@code phoenix_runtime_errors_total{kind="too_large"}} and marks its endpoint failing, and nothing else is
 * lost. The README lists them.
 */
public final class InputCaps {

    /** One object of a stream (event, stats sample); a bigger one is skipped. */
    public static final int MAX_STREAM_OBJECT_BYTES = 4 * 1024 * 1024;
    /** An oversize stream object longer than this (say, one endless object) fails the stream instead. */
    public static final long MAX_SKIPPED_BYTES = 16L * 1024 * 1024;
    /** Nesting of objects and arrays in any engine JSON; real answers nest under 10. */
    public static final int MAX_JSON_DEPTH = 64;
    /** Body of {@code /containers/json}. */
    public static final int MAX_LIST_BYTES = 32 * 1024 * 1024;
    /** Containers in one list; a longer list is refused whole and the inventory kept as it was. */
    public static final int MAX_CONTAINERS_PER_ENDPOINT = 5_000;
    /** Body of one inspect, of {@code /version}, of an error answer. */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** Container id: an engine's is 64 hex characters. */
    public static final int MAX_ID_CHARS = 128;
    /** Container name and image reference; longer ones are cut to this. */
    public static final int MAX_NAME_CHARS = 512;
    /** Labels per container; those past this are dropped. */
    public static final int MAX_LABELS = 256;
    /** A label key longer than this, or a value longer than {@link #MAX_LABEL_VALUE_CHARS}, drops that label. */
    public static final int MAX_LABEL_KEY_CHARS = 256;
    public static final int MAX_LABEL_VALUE_CHARS = 4096;
    /** Containers waiting for an inspect on one endpoint (in flight or queued); more are refused until the resync. */
    public static final int MAX_PENDING_INSPECTS = 4096;

    private InputCaps() {
    }

    /** Frames a chunk of a stream; each object the framer skipped is reported as an error. */
    static List<JsonObject> feed(JsonObjectFramer framer, Buffer chunk, String uri, Consumer<RuntimeApiException> errors) {
        List<JsonObject> objects = framer.feed(chunk);
        for (int skipped = framer.drainSkipped(); skipped > 0; skipped--) {
            errors.accept(new RuntimeApiException.TooLarge(uri + ": object larger than " + MAX_STREAM_OBJECT_BYTES
                    + " bytes or nested deeper than " + MAX_JSON_DEPTH + ", skipped"));
        }
        return objects;
    }

    /** A container list longer than {@link #MAX_CONTAINERS_PER_ENDPOINT} is refused whole. */
    static JsonArray requireListSize(JsonArray list) {
        if (list.size() > MAX_CONTAINERS_PER_ENDPOINT) {
            throw new RuntimeApiException.TooLarge("/containers/json: " + list.size() + " containers, more than "
                    + MAX_CONTAINERS_PER_ENDPOINT + ": list refused");
        }
        return list;
    }

    /** Throws {@link RuntimeApiException.TooLarge} when a JSON text nests deeper than {@link #MAX_JSON_DEPTH}. */
    public static void requireShallow(Buffer json, String what) {
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0, n = json.length(); i < n; i++) {
            byte b = json.getByte(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                if (++depth > MAX_JSON_DEPTH) {
                    throw new RuntimeApiException.TooLarge(what + ": JSON nested deeper than " + MAX_JSON_DEPTH);
                }
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
    }
}
