package io.phoenix.metrics.live;

import java.util.Map;

/** The few JSON pieces the compact format writes by hand: strings escaped, numbers short, non-finite as null. */
final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    static StringBuilder string(String s, StringBuilder out) {
        if (s == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\u2028' -> out.append("\\u2028"); // line separators some JavaScript parsers once refused
                case '\u2029' -> out.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** Integers without a fraction (most byte and count values), others as Java's shortest round-trip form. */
    static StringBuilder number(double v, StringBuilder out) {
        if (!Double.isFinite(v)) {
            return out.append("null");
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return out.append((long) v);
        }
        return out.append(v);
    }

    static StringBuilder object(Map<String, String> map, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(e.getKey(), out).append(':');
            string(e.getValue(), out);
        }
        return out.append('}');
    }
}
