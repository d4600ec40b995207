package io.phoenix.metrics.cri;

import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.runtime.cri.v1.ContainerStats;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatsRequest;
import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.Scrape;
import io.phoenix.metrics.testing.cri.CriDriver;
import io.phoenix.metrics.testing.cri.CriProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pods run through CRI on the real containerd of scripts/runtimes.sh (containerd 1.6: no event stream, so discovery
 * lists every metrics.cri.poll-interval = 1 s), seen by the agent as first-class containers.
 */
@QuarkusTest
@TestProfile(CriProfile.class)
@Tag("engine")
class CriOnRealContainerdTest {

    private static final Duration BOUND = Duration.ofSeconds(2);
    /** About a second of CPU in busybox sh, then idle: numbers that stop moving, so two readers can agree. */
    private static final String BURN = "i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done; exec sleep 3600";

    @Inject
    ContainerInventory inventory;

    private CriDriver driver;
    private final List<String> pods = new ArrayList<>();

    @BeforeEach
    void connect() {
        driver = new CriDriver("unix://" + CriProfile.SHARED_CRI);
        await().atMost(Duration.ofSeconds(30)).until(() -> "up".equals(runtime("unix://" + CriProfile.SHARED_CRI).get("state")));
    }

    @AfterEach
    void cleanUp() {
        pods.forEach(driver::removePod);
        driver.close();
    }

    private CriDriver.Pod pod(String namespace) {
        String name = EngineFixture.uniqueName("pod");
        pods.add(name);
        return driver.runPod(name, namespace);
    }

    @Test
    void podIsOnMetricsWithinTwoSecondsWithItsKubernetesNamesAndGoneWithinTwoSecondsOfRemoval() {
        CriDriver.Pod pod = pod("phx-ns");
        String id = driver.startContainer(pod, pod.name(), 0, List.of("/bin/sh", "-c", BURN));
        String info = "container_info\\{container_id=\"" + id.substring(0, 12) + "\",container_name=\"" + pod.name()
                + "\",image=\"" + Pattern.quote(CriDriver.IMAGE) + "\",runtime=\"containerd\",pod=\"" + pod.name()
                + "\",namespace=\"phx-ns\",container=\"" + pod.name() + "\",pod_uid=\"" + pod.uid() + "\".*} 1(\\.0)?";
        await().atMost(BOUND).pollInterval(Duration.ofMillis(50)).until(() -> Scrape.now().hasLine(info));

        // The sandbox (pause) is the pod, never a container: no record, no series.
        String sandbox = pod.sandboxId().substring(0, 12);
        assertTrue(inventory.get(pod.sandboxId()).isEmpty(), "sandbox listed as a container");
        assertFalse(Scrape.now().text().contains("container_id=\"" + sandbox + "\""), "sandbox has container series");

        // CPU and memory from the cgroup files agree with CRI ContainerStats within 5 % once the burn is over.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            ContainerStats cri = driver.read().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
            Scrape scrape = Scrape.now();
            // Not yet sampled is a reason to wait, not an error: AssertionError keeps awaitility polling.
            double cpu = value(scrape, "container_cpu_usage_seconds_total", id).orElseThrow(() -> new AssertionError("no cpu yet"));
            double memory = value(scrape, "container_memory_usage_bytes", id).orElseThrow(() -> new AssertionError("no memory yet"));
            double criCpu = cri.getCpu().getUsageCoreNanoSeconds().getValue() / 1e9;
            double criMemory = cri.getMemory().getUsageBytes().getValue();
            assertTrue(criCpu > 0.05, "the burn used no CPU: " + criCpu);
            assertTrue(Math.abs(cpu - criCpu) <= 0.05 * criCpu, "cpu " + cpu + " s vs CRI " + criCpu + " s");
            assertTrue(Math.abs(memory - criMemory) <= 0.05 * criMemory, "memory " + memory + " vs CRI " + criMemory);
        });

        driver.removeContainer(id);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(50)).until(() -> !Scrape.now().mentions(pod.name()));
    }

    @Test
    void exitCodeAndReasonOfAnExitedContainerAndTheRestartCountOfItsNextAttempt() {
        CriDriver.Pod pod = pod("default");
        String first = driver.startContainer(pod, "app", 0, List.of("/bin/sh", "-c", "exit 3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> value(Scrape.now(), "container_exit_code", first).orElse(-1.0) == 3.0);
        Map<String, Object> container = given().get("/api/containers/" + first).then().statusCode(200).extract().jsonPath().getMap("");
        assertEquals("exited", container.get("state"));
        assertEquals("Error", container.get("exitReason"));
        assertEquals(0, container.get("restartCount"));

        String second = driver.startContainer(pod, "app", 1, List.of("/bin/sleep", "3600"));
        await().atMost(BOUND).until(() -> value(Scrape.now(), "container_restarts_total", second).orElse(-1.0) == 1.0);
        assertEquals(1, (Integer) given().get("/api/containers/" + second).then().statusCode(200).extract().path("restartCount"));
    }

    @Test
    void dockerPodmanAndCriContainersSideBySideEachWithItsRuntime() {
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); EngineFixture podman = new EngineFixture(Engine.PODMAN)) {
            Engine.DOCKER.awaitUp();
            Engine.PODMAN.awaitUp();
            String dockerName = EngineFixture.uniqueName("side");
            String podmanName = EngineFixture.uniqueName("side");
            docker.start(docker.create(dockerName, "sleep", "60"));
            podman.start(podman.create(podmanName, "sleep", "60"));
            CriDriver.Pod pod = pod("default");
            driver.startContainer(pod, pod.name(), 0, List.of("/bin/sleep", "60"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Scrape scrape = Scrape.now();
                assertTrue(scrape.hasLine("container_info\\{.*container_name=\"" + dockerName + "\".*runtime=\"docker\".*"), "docker");
                assertTrue(scrape.hasLine("container_info\\{.*container_name=\"" + podmanName + "\".*runtime=\"podman\".*"), "podman");
                assertTrue(scrape.hasLine("container_info\\{.*container_name=\"" + pod.name() + "\".*runtime=\"containerd\".*"), "cri");
            });
        }
        Map<String, Object> cri = runtime("unix://" + CriProfile.SHARED_CRI);
        assertEquals("containerd", cri.get("runtime"));
        assertTrue(String.valueOf(cri.get("version")).startsWith("1."), "version " + cri.get("version"));
        assertEquals("v1", cri.get("apiVersion"));
    }

    static Map<String, Object> runtime(String socket) {
        List<Map<String, Object>> runtimes = given().get("/api/runtimes").then().statusCode(200).extract().path("runtimes");
        return runtimes.stream().filter(r -> socket.equals(r.get("socket"))).findFirst().orElseThrow();
    }

    /** One family's value for a container by id (names repeat across pods and attempts). */
    static Optional<Double> value(Scrape scrape, String metric, String id) {
        Pattern line = Pattern.compile("^" + metric + "\\{[^}]*container_id=\"" + id.substring(0, 12) + "\"[^}]*} (\\S+)$",
                Pattern.MULTILINE);
        Matcher m = line.matcher(scrape.text());
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }
}
