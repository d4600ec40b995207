package io.phoenix.metrics.output.remotewrite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lines of a text-format page (or the REST API's {@code name{labels} value ts} lines) with their labels unescaped. */
record Exposed(String name, Map<String, String> labels, double value, long timestamp) {

    static List<Exposed> parse(String text) {
        List<Exposed> all = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            Map<String, String> labels = new LinkedHashMap<>();
            String name;
            int rest;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                rest = labels(line, brace + 1, labels);
            } else {
                name = line.substring(0, space);
                rest = space;
            }
            String[] tail = line.substring(rest).trim().split(" ");
            double value = Double.parseDouble(tail[0].replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
            all.add(new Exposed(name, labels, value, tail.length > 1 ? Long.parseLong(tail[1]) : -1));
        }
        return all;
    }

    /** Parses {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace. */
    private static int labels(String line, int i, Map<String, String> into) {
        while (line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            into.put(key, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }
}
