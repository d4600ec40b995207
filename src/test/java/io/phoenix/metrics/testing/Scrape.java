package io.phoenix.metrics.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/** One /metrics answer, with look-ups by family and container name. */
public record Scrape(String text) {

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? (\\S+)$");

    public static Scrape now() {
        return new Scrape(given().accept("text/plain").get("/metrics").then().statusCode(200).extract().asString());
    }

    /** Values of one family for one container, in exposition order. */
    public List<Double> values(String metric, String containerName) {
        List<Double> values = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches() && m.group(1).equals(metric) && m.group(2) != null
                    && m.group(2).contains("container_name=\"" + containerName + "\"")) {
                values.add(Double.parseDouble(m.group(3)));
            }
        }
        return values;
    }

    public Optional<Double> value(String metric, String containerName) {
        List<Double> values = values(metric, containerName);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** True when some line matches the regular expression as a whole. */
    public boolean hasLine(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return text.lines().anyMatch(line -> pattern.matcher(line).matches());
    }

    public boolean mentions(String containerName) {
        return text.contains("container_name=\"" + containerName + "\"");
    }
}
