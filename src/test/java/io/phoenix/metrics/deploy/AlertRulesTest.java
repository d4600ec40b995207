package io.phoenix.metrics.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert rules: {@code promtool check rules} accepts the rules file and the PrometheusRule's spec (which must
 * be the same groups), {@code promtool test rules} passes, and its unit tests have, for every alert, a case where
 * it fires and one where it stays quiet. (promtool comes with scripts/runtimes.sh's packages, hence "engine".)
 */
@Tag("engine")
class AlertRulesTest {

    static final Path RULES = Manifests.PROJECT.resolve("deploy/prometheus/phoenix-metrics.rules.yml");
    static final Path UNIT_TESTS = Manifests.PROJECT.resolve("deploy/prometheus/tests/alerts.test.yml");
    static final Path OPERATOR_RULE = Manifests.K8S.resolve("monitoring/rules/prometheusrule.yaml");

    @Test
    void rulesFileAndPrometheusRuleCheckAndAgree() throws Exception {
        JsonNode file = Manifests.YAML.readTree(RULES.toFile());
        JsonNode spec = Manifests.YAML.readTree(OPERATOR_RULE.toFile()).get("spec");
        assertEquals(file, spec, OPERATOR_RULE + " spec differs from " + RULES);
        promtool("check", "rules", RULES.toString());
        Path extracted = Files.createTempFile("phoenix-prometheusrule-", ".yml");
        try {
            Manifests.YAML.writeValue(extracted.toFile(), spec);
            promtool("check", "rules", extracted.toString());
        } finally {
            Files.deleteIfExists(extracted);
        }
    }

    @Test
    void unitTestsPassAndCoverEveryAlertBothWays() throws Exception {
        String out = promtool("test", "rules", UNIT_TESTS.toString());
        assertTrue(out.contains("SUCCESS"), out);

        Set<String> alerts = new TreeSet<>();
        Manifests.YAML.readTree(RULES.toFile()).get("groups")
                .forEach(g -> g.get("rules").forEach(r -> alerts.add(r.get("alert").asText())));
        assertEquals(8, alerts.size(), "alerts: " + alerts);
        Set<String> fires = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : Manifests.YAML.readTree(UNIT_TESTS.toFile()).get("tests")) {
            List<String> seriesNames = new ArrayList<>();
            test.get("input_series").forEach(s -> seriesNames.add(s.get("series").asText()));
            for (JsonNode check : test.get("alert_rule_test")) {
                String alert = check.get("alertname").asText();
                JsonNode expected = check.get("exp_alerts");
                (expected == null || expected.isEmpty() ? quiet : fires).add(alert);
                // A case that fires for one series and not for the others is quiet for those: count it both ways
                // when the test feeds more series than alerts it expects.
                if (expected != null && !expected.isEmpty() && expected.size() < distinctTargets(seriesNames)) {
                    quiet.add(alert);
                }
            }
        }
        assertEquals(alerts, fires, "alerts without a firing case");
        assertEquals(alerts, quiet, "alerts without a quiet case");
    }

    /** Label sets of the input series, without the metric name: each is one thing an alert could fire for. */
    private static long distinctTargets(List<String> series) {
        return series.stream().map(s -> s.substring(s.indexOf('{'))).distinct().count();
    }

    static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(Manifests.PROJECT.toFile())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool hung: " + command);
        assertEquals(0, process.exitValue(), command + ":\n" + out);
        assertFalse(out.contains("FAILED"), out);
        return out;
    }
}
