package io.phoenix.metrics.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonObjectFramerTest {

    /** Tricky on purpose: braces and an escaped quote inside strings, nesting, no newline between two objects. */
    private static final String STREAM = "{\"Action\":\"start\",\"Actor\":{\"Attributes\":{\"name\":\"we{ird\\\"}name\"}}}\n"
            + "{\"a\":[1,{\"b\":\"]}\"}]}{\"c\":\"\\\\\"}\n";

    @Test
    void objectsSurviveEverySplitPoint() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            JsonObjectFramer framer = new JsonObjectFramer();
            List<JsonObject> objects = new ArrayList<>(framer.feed(Buffer.buffer().appendBytes(bytes, 0, cut)));
            objects.addAll(framer.feed(Buffer.buffer().appendBytes(bytes, cut, bytes.length - cut)));
            assertEquals(3, objects.size(), "cut at " + cut);
            assertEquals("we{ird\"}name", objects.get(0).getJsonObject("Actor").getJsonObject("Attributes").getString("name"));
            assertEquals("]}", objects.get(1).getJsonArray("a").getJsonObject(1).getString("b"));
            assertEquals("\\", objects.get(2).getString("c"));
            assertFalse(framer.hasPartialObject());
        }
    }

    @Test
    void byteByByteFeedingYieldsTheSameObjects() {
        JsonObjectFramer framer = new JsonObjectFramer();
        List<JsonObject> objects = new ArrayList<>();
        for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
            objects.addAll(framer.feed(Buffer.buffer(new byte[] {b})));
        }
        assertEquals(3, objects.size());
    }

    @Test
    void truncatedStreamIsReportedAsPartial() {
        JsonObjectFramer framer = new JsonObjectFramer();
        assertEquals(1, framer.feed(Buffer.buffer("{\"ok\":1}\n{\"cut\":\"in the mid")).size());
        assertTrue(framer.hasPartialObject());
    }

    @Test
    void nonJsonIsAProtocolErrorThatShowsTheBytes() {
        var error = assertThrows(RuntimeApiException.Protocol.class, () -> new JsonObjectFramer().feed(Buffer.buffer("<html>502</html>")));
        assertTrue(error.getMessage().contains("<html>"), error.getMessage());
    }

    @Test
    void malformedObjectIsAProtocolError() {
        assertThrows(RuntimeApiException.Protocol.class, () -> new JsonObjectFramer().feed(Buffer.buffer("{\"a\":tru}")));
    }

    @Test
    void anEndlessObjectIsCutOffInsteadOfGrowingMemory() {
        JsonObjectFramer framer = new JsonObjectFramer();
        framer.feed(Buffer.buffer("{\"x\":\""));
        Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
        for (int i = 0; i < 64 * 1024; i++) {
            chunk.setByte(i, (byte) 'a');
        }
        // Skipped while it might still end (16 MiB), then the stream fails.
        assertThrows(RuntimeApiException.TooLarge.class, () -> {
            for (int i = 0; i < 2000; i++) {
                framer.feed(chunk);
            }
        });
    }

    @Test
    void anOversizeOrTooDeepObjectIsSkippedAndCountedAndTheNextOneStillArrives() {
        JsonObjectFramer framer = new JsonObjectFramer();
        String big = "{\"x\":\"" + "a".repeat(JsonObjectFramer.MAX_OBJECT_BYTES + 10) + "\"}\n";
        String deep = "{\"d\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}\n";
        assertEquals(List.of(), framer.feed(Buffer.buffer(big)));
        assertEquals(1, framer.drainSkipped());
        List<JsonObject> after = framer.feed(Buffer.buffer(deep + "{\"ok\":1}\n"));
        assertEquals(List.of(new JsonObject().put("ok", 1)), after);
        assertEquals(1, framer.drainSkipped());
        assertEquals(0, framer.drainSkipped());
    }
}
