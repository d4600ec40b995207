package io.phoenix.metrics.testing;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.InputCaps;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Fuzz input to what the engine client would hand a parser: a JSON object, or null where the client refuses it. */
public final class FuzzJson {

    private FuzzJson() {
    }

    public static JsonObject object(byte[] data) {
        Buffer bytes = Buffer.buffer(data);
        try {
            InputCaps.requireShallow(bytes, "fuzz");
            return bytes.toJson() instanceof JsonObject object ? object : null;
        } catch (DecodeException | RuntimeApiException.TooLarge e) {
            return null; // the client answers these with a protocol error before any parser runs
        }
    }
}
