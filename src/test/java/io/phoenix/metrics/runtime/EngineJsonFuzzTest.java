package io.phoenix.metrics.runtime;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.phoenix.metrics.testing.FuzzJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine client's own byte handling: the stream framer (cut anywhere), the depth check, /version. Bytes
 * from an engine may be anything; the only acceptable failure is an {@link RuntimeApiException}. Seeds: the recorded
 * payloads (src/test/resources/.../EngineJsonFuzzTestInputs); longer runs: see the README.
 */
class EngineJsonFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void framer(byte[] data) {
        JsonObjectFramer framer = new JsonObjectFramer();
        int cut = data.length == 0 ? 0 : (data[0] & 0xff) % (data.length + 1);
        try {
            List<JsonObject> first = framer.feed(Buffer.buffer(java.util.Arrays.copyOfRange(data, 0, cut)));
            List<JsonObject> second = framer.feed(Buffer.buffer(java.util.Arrays.copyOfRange(data, cut, data.length)));
            assertTrue(first.size() + second.size() <= data.length / 2, "no object out of nothing");
            framer.drainSkipped();
        } catch (RuntimeApiException expected) {
            // garbage in a stream fails it with a counted error
        }
    }

    @FuzzTest(maxDuration = "5s")
    void version(byte[] data) {
        JsonObject json = FuzzJson.object(data);
        if (json == null) {
            return;
        }
        try {
            RuntimeIdentity identity = RuntimeIdentity.fromVersion(json);
            io.phoenix.metrics.stats.PodmanStatsParser.swapsNetIo(identity.version());
        } catch (RuntimeApiException expected) {
            // a /version the agent cannot use fails the connection with a protocol error
        }
    }
}
