package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.InputCaps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies {@link InputCaps}' per-container caps to a parsed container: an over-long name or image is cut, an
 * over-long label or any label past the count cap is dropped (a cut label value would be a wrong one). What was
 * cut is reported so the endpoint can be counted and marked; the container itself stays known.
 */
final class ContainerCaps {

    /** @param cut what was over a cap, null when nothing was */
    record Trimmed(ContainerInfo container, RuntimeApiException.TooLarge cut) {
    }

    private ContainerCaps() {
    }

    /** Throws {@link RuntimeApiException.TooLarge} for an id no engine would send, since it cannot be cut. */
    static Trimmed trim(ContainerInfo c) {
        if (c.id().length() > InputCaps.MAX_ID_CHARS) {
            throw new RuntimeApiException.TooLarge("container id longer than " + InputCaps.MAX_ID_CHARS + " characters");
        }
        List<String> cut = new ArrayList<>();
        String name = cut(c.name(), "name", cut);
        String image = cut(c.image(), "image", cut);
        Map<String, String> labels = c.labels();
        int over = 0;
        if (labels.size() > InputCaps.MAX_LABELS || labels.entrySet().stream().anyMatch(ContainerCaps::overLong)) {
            labels = new LinkedHashMap<>();
            for (Map.Entry<String, String> label : c.labels().entrySet()) {
                if (overLong(label) || labels.size() >= InputCaps.MAX_LABELS) {
                    over++;
                } else {
                    labels.put(label.getKey(), label.getValue());
                }
            }
            cut.add(over + " label(s) over " + InputCaps.MAX_LABELS + " per container or " + InputCaps.MAX_LABEL_KEY_CHARS
                    + "/" + InputCaps.MAX_LABEL_VALUE_CHARS + " characters of key/value dropped");
        }
        if (cut.isEmpty()) {
            return new Trimmed(c, null);
        }
        ContainerInfo trimmed = new ContainerInfo(c.id(), name, image, labels, c.state(), c.created(), c.startedAt(),
                c.finishedAt(), c.restartCount(), c.exitCode(), c.health(), c.pid(), c.runtime(), c.endpoint(), c.exitReason(),
                c.oomKilled(), c.memoryLimit());
        return new Trimmed(trimmed, new RuntimeApiException.TooLarge("container " + c.shortId() + ": " + String.join(", ", cut)));
    }

    private static boolean overLong(Map.Entry<String, String> label) {
        return label.getKey().length() > InputCaps.MAX_LABEL_KEY_CHARS || label.getValue().length() > InputCaps.MAX_LABEL_VALUE_CHARS;
    }

    private static String cut(String value, String what, List<String> cut) {
        if (value == null || value.length() <= InputCaps.MAX_NAME_CHARS) {
            return value;
        }
        cut.add(what + " cut to " + InputCaps.MAX_NAME_CHARS + " characters");
        return value.substring(0, InputCaps.MAX_NAME_CHARS);
    }
}
