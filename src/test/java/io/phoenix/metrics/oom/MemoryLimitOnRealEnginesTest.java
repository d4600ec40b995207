package io.phoenix.metrics.oom;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One meaning of container_memory_limit_bytes with the default source (the cgroup files here);
 * {@link MemoryLimitFromEngineApisTest} runs the same against the engines' stats streams.
 */
@QuarkusTest
@Tag("engine")
@TestProfile(SlowHost.Patient.class)
class MemoryLimitOnRealEnginesTest {

    static double hostMemoryBytes() throws Exception {
        String line = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:")).findFirst().orElseThrow();
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024.0;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unlimitedIsTheHostsMemoryAndA64MiBLimitIsItself(Engine engine) throws Exception {
        EngineFixture fixture = EngineFixture.forTest(engine);
        String unlimited = EngineFixture.uniqueName("nolimit");
        String limited = EngineFixture.uniqueName("limit64");
        fixture.run(unlimited, "sleep", "300");
        fixture.start(fixture.create(limited, new JsonObject().put("Memory", 64L << 20), "sleep", "300"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Scrape s = Scrape.now();
            return s.value("container_memory_limit_bytes", unlimited).isPresent()
                    && s.value("container_spec_memory_limit_bytes", limited).isPresent();
        });
        Scrape scrape = Scrape.now();
        String source = given().get("/api/runtimes").then().extract().path("source");
        System.out.printf("%s (%s): unlimited limit %s spec %s percent %s; 64 MiB limit %s spec %s%n", engine, source,
                scrape.value("container_memory_limit_bytes", unlimited), scrape.value("container_spec_memory_limit_bytes", unlimited),
                scrape.value("container_memory_usage_percent", unlimited), scrape.value("container_memory_limit_bytes", limited),
                scrape.value("container_spec_memory_limit_bytes", limited));
        assertEquals(hostMemoryBytes(), scrape.value("container_memory_limit_bytes", unlimited).orElseThrow(), "effective = MemTotal");
        assertEquals(0.0, scrape.value("container_spec_memory_limit_bytes", unlimited).orElseThrow(), "configured: none");
        double percent = scrape.value("container_memory_usage_percent", unlimited).orElseThrow();
        assertTrue(percent > 0 && percent < 1, "a sleeping busybox of the host's memory: " + percent);
        assertEquals(67108864.0, scrape.value("container_memory_limit_bytes", limited).orElseThrow());
        assertEquals(67108864.0, scrape.value("container_spec_memory_limit_bytes", limited).orElseThrow());
    }
}
