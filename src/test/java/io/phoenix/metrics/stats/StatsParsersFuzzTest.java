package io.phoenix.metrics.stats;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.testing.FuzzJson;
import io.vertx.core.json.JsonObject;

/** Docker's per-container stats objects and libpod's stats reports: a protocol error or a sample, nothing else. */
class StatsParsersFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void docker(byte[] data) {
        JsonObject json = FuzzJson.object(data);
        if (json == null) {
            return;
        }
        try {
            if (!DockerStatsParser.isStoppedMarker(json)) {
                DockerStatsParser.parse("c0ffee", json);
            }
        } catch (RuntimeApiException expected) {
            // the stream is failed, counted and re-opened
        }
    }

    @FuzzTest(maxDuration = "5s")
    void podman(byte[] data) {
        JsonObject json = FuzzJson.object(data);
        if (json == null) {
            return;
        }
        for (boolean swapped : new boolean[]{false, true}) {
            try {
                PodmanStatsParser.parse(json, swapped);
            } catch (RuntimeApiException expected) {
                // the stream is failed, counted and re-opened
            }
        }
    }
}
