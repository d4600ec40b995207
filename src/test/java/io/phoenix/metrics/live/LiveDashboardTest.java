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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.phoenix.metrics.live.LivePageTest.HOSTILE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page as a dashboard, in headless Chromium against real Docker containers: a busy one among idle ones comes
 * first, sorting by another column survives a reload, sparklines fill, the container view shows what /metrics
 * says, and untrusted labels stay text everywhere. Screenshots: target/live-page-{table,container,phone}.png.
 */
@QuarkusTest
@Tag("engine")
class LiveDashboardTest {

    /** The view's state, read in the browser. */
    private static final String VIEW_STATE = """
            const view = document.getElementById('view');
            const cpu = view.querySelector('figure[data-chart="cpu"] canvas');
            const meta = {};
            view.querySelectorAll('#view-meta dd').forEach(dd => meta[dd.dataset.field] = dd.textContent);
            return {open: !view.hidden, title: document.getElementById('view-title').textContent,
                    cpu: cpu.dataset.last === undefined ? null : Number(cpu.dataset.last), meta,
                    labels: [...view.querySelectorAll('#view-labels li')].map(li => li.textContent),
                    groups: [...document.querySelectorAll('tr.group')].map(tr => tr.dataset.group),
                    groupTexts: [...document.querySelectorAll('tr.group')].map(tr => tr.textContent),
                    sparkPoints: [...document.querySelectorAll('#containers tbody tr canvas.spark')].map(c => Number(c.dataset.points || 0)),
                    elements: document.querySelectorAll('img, b').length, injected: document.body.dataset.injected || null};
            """;

    @TestHTTPResource("/")
    URL root;

    @Test
    void busyFirstSortedByTheAddressChartsAndAContainerView() throws Exception {
        // On a loaded machine the agent's first answer can take long: not part of what is measured below.
        io.restassured.RestAssured.given().get("/api/runtimes").then().statusCode(200);
        Engine.DOCKER.awaitUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); HeadlessChromium browser = HeadlessChromium.start()) {
            for (int i = 0; i < 3; i++) {
                docker.run(EngineFixture.uniqueName("dash"), "sleep", "300");
            }
            // Half a core at most, so the test's busy loop leaves the shared machine usable.
            String busyName = EngineFixture.uniqueName("dash");
            String busy = docker.create(busyName, new JsonObject().put("NanoCpus", 500_000_000L), "sh", "-c", "while :; do :; done");
            docker.start(busy);
            String bigName = EngineFixture.uniqueName("dash");
            String big = docker.create(bigName, new JsonObject(), "sh", "-c",
                    "dd if=/dev/zero of=/dev/shm/fill bs=1048576 count=24 2>/dev/null; sleep 300");
            docker.start(big);
            String hostileName = EngineFixture.uniqueName("dash");
            String hostile = docker.create(hostileName, new JsonObject(), Map.of("note", HOSTILE, HOSTILE, "key as text",
                    "io.kubernetes.pod.name", HOSTILE, "io.kubernetes.pod.namespace", "ns-" + HOSTILE), "sleep", "300");
            docker.start(hostile);
            // Generous bounds: the machine the tests share can be loaded far beyond its cores.
            await().atMost(Duration.ofSeconds(60)).until(() -> Scrape.now().value("container_cpu_usage_percent", busyName)
                    .filter(cpu -> cpu > 10).isPresent());

            browser.windowSize(1280, 800);
            browser.open(root + "?name=" + EngineFixture.RUN_ID + "-dash-*");
            // First paint from the stream's first event: all six rows, CPU known, the busy one on top (CPU, descending).
            JsonObject page = LivePageTest.waitFor(browser, s -> s.getJsonArray("rows").size() == 6
                    && rows(s).stream().allMatch(r -> r.containsKey("cpu") && r.containsKey("memory")));
            assertEquals(busy, rows(page).get(0).getString("id"), "busiest first: " + rows(page));
            assertFalse(page.getString("search").contains("sort="), "the default order needs nothing in the address");

            browser.click("#containers th.memory button");
            page = LivePageTest.waitFor(browser, s -> s.getString("search").contains("sort=memory") && sortedByMemory(s));
            assertEquals(big, rows(page).get(0).getString("id"), "24 MiB in /dev/shm: the most memory");
            browser.reload();
            page = LivePageTest.waitFor(browser, s -> s.getJsonArray("rows").size() == 6 && rows(s).stream().allMatch(r -> r.containsKey("memory")));
            assertTrue(page.getString("search").contains("sort=memory"), page.getString("search"));
            assertTrue(sortedByMemory(page), "order kept after the reload: " + rows(page));
            assertEquals("descending", browser.script("return document.querySelector('#containers th.memory').getAttribute('aria-sort')"));

            // Sparklines are drawn from what the page kept of the stream.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                    ((JsonObject) browser.script(VIEW_STATE)).getJsonArray("sparkPoints").stream().allMatch(p -> ((Number) p).intValue() >= 3));
            browser.screenshot(Path.of("target", "live-page-table.png"));

            // The container view: its CPU chart ends where /metrics is (a tick apart at most: a throttled loop is steady).
            browser.click("#containers tr[data-id='" + busy + "']");
            JsonObject view = viewState(browser, v -> v.getBoolean("open") && v.getValue("cpu") != null);
            assertEquals(busyName, view.getString("title"));
            // Both read the same in-memory value unless a tick falls between the two reads: then the next try agrees.
            double[] last = new double[2];
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                last[0] = ((JsonObject) browser.script(VIEW_STATE)).getDouble("cpu");
                last[1] = Scrape.now().value("container_cpu_usage_percent", busyName).orElseThrow();
                assertTrue(last[0] > 1 && Math.abs(last[0] - last[1]) < 5, "page " + last[0] + ", /metrics " + last[1]);
            });
            System.out.printf("container view CPU %.2f %%, /metrics %.2f %%%n", last[0], last[1]);
            assertEquals(Engine.DOCKER.image(), view.getJsonObject("meta").getString("image"));
            assertEquals("running", view.getJsonObject("meta").getString("state"));
            assertTrue(((String) browser.script("return location.search")).contains("container=" + busy.substring(0, 12)));
            browser.script("return new Promise(r => setTimeout(r, 1200))");
            browser.screenshot(Path.of("target", "live-page-container.png"));

            // Untrusted labels as text: in the view (pod, namespace, labels) and as group names.
            browser.script("document.getElementById('view-close').click(); return null");
            browser.click("#containers tr[data-id='" + hostile + "']");
            view = viewState(browser, v -> v.getBoolean("open") && hostileName.equals(v.getString("title")));
            assertEquals(HOSTILE, view.getJsonObject("meta").getString("pod"));
            assertEquals("ns-" + HOSTILE, view.getJsonObject("meta").getString("namespace"));
            assertTrue(view.getJsonArray("labels").contains("note=" + HOSTILE), view.getJsonArray("labels").encode());
            assertTrue(view.getJsonArray("labels").contains(HOSTILE + "=key as text"), view.getJsonArray("labels").encode());
            browser.script("document.getElementById('view-close').click(); const g = document.getElementById('group');"
                    + " g.value = 'pod'; g.dispatchEvent(new Event('change')); return null");
            view = viewState(browser, v -> v.getJsonArray("groups").contains(HOSTILE));
            assertTrue(view.getJsonArray("groupTexts").stream().anyMatch(t -> ((String) t).contains(HOSTILE)));
            assertEquals(0, view.getInteger("elements"), "no element came out of a label");

            browser.windowSize(420, 860);
            browser.script("return new Promise(r => setTimeout(r, 600))");
            browser.screenshot(Path.of("target", "live-page-phone.png"));
            // Checked last: had a label been parsed, its image's error handler has long run by now.
            assertNull(((JsonObject) browser.script(VIEW_STATE)).getValue("injected"));
        }
    }

    private static JsonObject viewState(HeadlessChromium browser, java.util.function.Predicate<JsonObject> condition) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> (JsonObject) browser.script(VIEW_STATE), condition::test);
    }

    private static List<JsonObject> rows(JsonObject page) {
        return page.getJsonArray("rows").stream().map(JsonObject.class::cast).toList();
    }

    private static boolean sortedByMemory(JsonObject page) {
        List<JsonObject> rows = rows(page);
        for (int i = 1; i < rows.size(); i++) {
            if (!rows.get(i).containsKey("memory") || Double.parseDouble(rows.get(i - 1).getString("memory"))
                    < Double.parseDouble(rows.get(i).getString("memory"))) {
                return false;
            }
        }
        return rows.size() > 1 && rows.get(0).containsKey("memory");
    }
}
