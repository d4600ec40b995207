package io.phoenix.metrics.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream of concatenated JSON objects into objects. Docker separates them with newlines, but a
 * chunk boundary can fall anywhere (inside a string, between a backslash and its escapee), so the framer tracks
 * nesting and string state instead of splitting on newlines. One instance per stream; not thread-safe.
 *
 * <p>An object over {@link InputCaps#MAX_STREAM_OBJECT_BYTES} or nested deeper than {@link InputCaps#MAX_JSON_DEPTH}
 * is skipped without being kept (only its nesting is followed) and counted ({@link #drainSkipped}), so one bad
 * object loses only itself; one that runs past {@link InputCaps#MAX_SKIPPED_BYTES} fails the stream.
 */
public final class JsonObjectFramer {

    static final int MAX_OBJECT_BYTES = InputCaps.MAX_STREAM_OBJECT_BYTES;

    private Buffer pending = Buffer.buffer();
    private int scanned;
    private int objectStart = -1;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean skipping;
    private long skippedBytes;
    private int skipped;

    /** Adds a chunk and returns the objects it completed, in order. */
    public List<JsonObject> feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        List<JsonObject> complete = new ArrayList<>(1);
        int length = pending.length();
        for (int i = scanned; i < length; i++) {
            byte b = pending.getByte(i);
            if (depth == 0) {
                if (b == '{') {
                    depth = 1;
                    objectStart = i;
                } else if (!isWhitespace(b)) {
                    throw new RuntimeApiException.Protocol("stream: expected a JSON object, got byte 0x"
                            + Integer.toHexString(b & 0xff) + " (" + preview(i) + ")");
                }
            } else if (inString) {
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
                if (++depth > InputCaps.MAX_JSON_DEPTH) {
                    skipping = true;
                }
            } else if ((b == '}' || b == ']') && --depth == 0) {
                if (skipping || i + 1 - objectStart > MAX_OBJECT_BYTES) {
                    skipping = false;
                    skippedBytes = 0;
                    skipped++;
                } else {
                    complete.add(parse(pending.slice(objectStart, i + 1)));
                }
                objectStart = -1;
            }
        }
        compact();
        return complete;
    }

    /** Objects skipped for size or depth since the last call. */
    public int drainSkipped() {
        int count = skipped;
        skipped = 0;
        return count;
    }

    /** True when the stream stopped inside an object: the last object was truncated. */
    public boolean hasPartialObject() {
        return depth > 0;
    }

    private void compact() {
        if (objectStart < 0) {
            pending = Buffer.buffer();
            scanned = 0;
            return;
        }
        if (pending.length() - objectStart > MAX_OBJECT_BYTES) {
            skipping = true;
        }
        if (skipping) {
            // Only the nesting matters now: drop the bytes, keep the state.
            skippedBytes += pending.length() - objectStart;
            if (skippedBytes > InputCaps.MAX_SKIPPED_BYTES) {
                throw new RuntimeApiException.TooLarge("stream: object larger than " + InputCaps.MAX_SKIPPED_BYTES + " bytes");
            }
            pending = Buffer.buffer();
            objectStart = 0;
            scanned = 0;
            return;
        }
        if (objectStart > 0) {
            pending = pending.getBuffer(objectStart, pending.length());
            objectStart = 0;
        }
        scanned = pending.length();
    }

    private static JsonObject parse(Buffer bytes) {
        try {
            return new JsonObject(bytes);
        } catch (DecodeException e) {
            throw new RuntimeApiException.Protocol("stream: malformed JSON object: " + e.getMessage(), e);
        }
    }

    private String preview(int from) {
        int to = Math.min(pending.length(), from + 40);
        return pending.getString(from, to).replaceAll("\\p{Cntrl}", "?");
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
