package io.phoenix.metrics.live;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.HeadlessChromium;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in live page (/) in a real headless Chromium, fed over the compact SSE stream by real containers on
 * Docker. Screenshots land in target/live-page-*.png for a reviewer.
 */
@Tag("engine")
@QuarkusTest
class LivePageTest {

    // Harmless as text. Parsed as HTML, the elements appear in the table and the broken image's handler marks the page.
    static final String HOSTILE = "<img src=x onerror=\"document.body.dataset.injected='yes'\"><b>bold</b>";

    /** What the page shows, read in the browser: each row's data attributes and cell texts, and the badges. */
    static final String PAGE_STATE = """
            const rows = [...document.querySelectorAll('#containers tbody tr')].map(tr => {
              const row = Object.assign({text: {}}, tr.dataset);
              tr.querySelectorAll('td').forEach(td => row.text[td.className] = td.textContent);
              return row;
            });
            return {rows, connection: document.getElementById('connection').dataset.state,
                    runtimes: document.getElementById('runtimes').textContent,
                    elements: document.querySelectorAll('img, b').length,
                    injected: document.body.dataset.injected || null, search: location.search};
            """;

    @TestHTTPResource("/")
    URL root;

    @Test
    void pageIsServedBesideTheApi() {
        String html = given().get("/").then().statusCode(200).contentType(startsWith("text/html")).body(containsString("live.js"))
                .extract().asString();
        given().get("/live.css").then().statusCode(200);
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("//"), "no external resources");
        for (String file : List.of("live.js", "model.js", "table.js", "view.js", "charts.js", "format.js")) {
            String script = given().get("/" + file).then().statusCode(200).contentType(containsString("javascript")).extract().asString();
            // Every way to hand a string to the HTML parser; the page must build its DOM from text only.
            for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser", "srcdoc")) {
                assertFalse(script.contains(sink), file + ": " + sink);
            }
            assertFalse(script.contains("http:") || script.contains("https:"), file + ": no external resources");
        }
        given().get("/metrics").then().statusCode(200);
        given().get("/api/runtimes").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void tableFollowsTheStreamAndShowsUntrustedTextAsText() throws Exception {
        Engine.DOCKER.awaitUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); HeadlessChromium browser = HeadlessChromium.start()) {
            String other = docker.run(EngineFixture.uniqueName("other"), "sleep", "300");
            await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/api/containers/{id}", other).statusCode() == 200);

            browser.open(root.toString());
            // Unfiltered, the page lists the other container, so the name filter below has something to hide.
            waitFor(browser, s -> "connected".equals(s.getString("connection")) && row(s, other).isPresent());
            String glob = EngineFixture.RUN_ID + "-page-*";
            browser.type("#name", glob);
            waitFor(browser, s -> s.getString("search").contains("name=" + URLEncoder.encode(glob, StandardCharsets.UTF_8))
                    && "connected".equals(s.getString("connection")) && row(s, other).isEmpty());

            // Started after the page connected: the row must come from the live stream.
            String name = EngineFixture.uniqueName("page");
            String id = docker.create(name, new JsonObject(), Map.of("note", HOSTILE), "sleep", "300");
            docker.start(id);
            // CPU % needs two samples, so it comes a tick or two after memory.
            JsonObject page = waitFor(browser, s -> row(s, id).filter(r -> r.containsKey("cpu") && r.containsKey("memoryUsage")
                    && !r.getJsonObject("text").getString("labels").isEmpty()).isPresent());
            JsonObject row = row(page, id).orElseThrow();
            JsonObject text = row.getJsonObject("text");
            assertEquals(name, text.getString("name"));
            assertEquals("docker", text.getString("runtime"));
            assertEquals(Engine.DOCKER.image(), text.getString("image"));
            assertEquals("running", row.getString("state"));

            double cpu = Double.parseDouble(row.getString("cpu"));
            assertTrue(cpu >= 0 && cpu < 1000, "CPU % from the stream: " + cpu);
            assertTrue(text.getString("cpu").matches("\\d+\\.\\d+ %"), text.getString("cpu"));
            // The page's number is the agent's (a sleeping shell's memory barely moves between two reads).
            double memory = Double.parseDouble(row.getString("memoryUsage"));
            double agent = Scrape.now().value("container_memory_usage_bytes", name).orElseThrow();
            assertTrue(memory > 0 && memory / agent > 0.5 && memory / agent < 2, "page " + memory + ", /metrics " + agent);
            assertTrue(text.getString("memory").matches("\\d+(\\.\\d+)? (B|KiB|MiB|GiB)\\b.*"), text.getString("memory"));

            // The label is shown verbatim as text, and no element came out of it.
            assertEquals("note=" + HOSTILE, text.getString("labels"));
            assertEquals(0, page.getInteger("elements"));

            assertEquals(List.of(id), page.getJsonArray("rows").stream().map(r -> ((JsonObject) r).getString("id")).toList(),
                    "only the container the name glob matches");
            assertTrue(page.getString("runtimes").matches(".*docker \\S+ · up · \\d+ containers?.*"), page.getString("runtimes"));
            assertTrue(page.getString("runtimes").contains("unavailable"), "the test's absent socket: " + page.getString("runtimes"));

            docker.remove(id);
            page = waitFor(browser, s -> row(s, id).isEmpty());
            // Checked last: had the label been parsed, its image's error handler has long run by now.
            assertNull(page.getValue("injected"));
        }
    }

    static JsonObject waitFor(HeadlessChromium browser, Predicate<JsonObject> condition) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> (JsonObject) browser.script(PAGE_STATE), condition::test);
    }

    static Optional<JsonObject> row(JsonObject page, String id) {
        return page.getJsonArray("rows").stream().map(JsonObject.class::cast).filter(r -> id.equals(r.getString("id"))).findFirst();
    }
}
