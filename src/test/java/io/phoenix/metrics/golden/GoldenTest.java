package io.phoenix.metrics.golden;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every case under src/test/resources/golden through the real parsers, collectors and renderer, compared with its
 * expected page. After an intended change of the output, regenerate the expected files and review their diff like
 * code: {@code ./mvnw test -Druntimes.skip=true -Dtest=GoldenTest -Dgolden.update=true}.
 */
class GoldenTest {

    /** Where update mode writes: the source folder (Maven runs tests from the project directory). */
    static final Path SOURCE = Path.of("src/test/resources/golden");
    static final String UPDATE = "./mvnw test -Druntimes.skip=true -Dtest=GoldenTest -Dgolden.update=true";

    private static boolean updating() {
        return Boolean.getBoolean("golden.update");
    }

    static List<GoldenCase> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCE)) {
            return dirs.filter(Files::isDirectory).sorted().map(GoldenCase::load).toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseRendersItsExpectedPage() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.proves(), () -> check(c)));
    }

    private static void check(GoldenCase c) throws Exception {
        String actual = GoldenPipeline.render(c);
        assertTrue(!actual.isEmpty(), c.name() + ": the pipeline rendered nothing");
        Path expectedFile = c.expectedFile();
        if (updating()) {
            if (!Files.exists(expectedFile) || !Files.readString(expectedFile).equals(actual)) {
                Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
                System.out.println("golden: wrote " + expectedFile);
            }
            return;
        }
        if (!Files.exists(expectedFile)) {
            fail(c.name() + ": no " + GoldenCase.EXPECTED + "; write it with " + UPDATE + " and review it");
        }
        String diff = LineDiff.of(Files.readString(expectedFile), actual);
        if (!diff.isEmpty()) {
            fail(c.name() + " (" + c.proves() + ")\n/metrics differs from " + expectedFile + " (- expected, + actual, line numbers of each file):\n"
                    + diff + "\nIf the change is intended: " + UPDATE + ", then review the diff of the expected files.");
        }
    }

    @Test
    void theSuiteCoversBothEnginesBothStatsSourcesAndTheThreeCgroupLayouts() throws IOException {
        List<GoldenCase> all = cases();
        assertTrue(all.size() >= 12, "at least 12 cases, found " + all.size());
        for (String engine : List.of("docker", "podman")) {
            for (String source : List.of("api", "cgroup")) {
                assertTrue(all.stream().anyMatch(c -> c.engine().equals(engine) && c.source().equals(source)), engine + " with source " + source);
            }
        }
        List<String> trees = all.stream().filter(c -> c.source().equals("cgroup"))
                .map(c -> c.cgroupTree().getFileName().toString()).distinct().sorted().toList();
        assertEquals(List.of("hybrid", "v1", "v2"), trees);
    }

    @Test
    void theDiffShowsWhichLinesChanged() {
        String expected = "# TYPE a gauge\na{x=\"1\"} 1\nb 2\n";
        assertEquals("", LineDiff.of(expected, expected));
        assertEquals("-    2 | a{x=\"1\"} 1\n+    2 | a{x=\"2\"} 1", LineDiff.of(expected, "# TYPE a gauge\na{x=\"2\"} 1\nb 2\n"));
        assertEquals("+    4 | c 3", LineDiff.of(expected, expected + "c 3\n"));
    }
}
