package io.phoenix.metrics.live;

import io.phoenix.metrics.discovery.ContainerInfo;

import java.util.List;
import java.util.Map;

/**
 * How the compact stream reads one container's values: its number on the wire ({@code ref}), which series the
 * values are, in order, and the container's metadata. A new version replaces it whenever any of that changes, so
 * a value event names the version it was written for.
 *
 * @param common labels every series of the container carries (container_id, image, ...), sent once
 * @param series one per value, in the order of the value events
 * @param labels each series' full label set, in the same order (what a new sample is compared with)
 */
public record Layout(int ref, int version, ContainerInfo container, Map<String, String> common, List<Series> series,
                     List<Map<String, String>> labels) {

    /** One series: its family and the labels it has beyond the common ones. */
    public record Series(Family family, Map<String, String> labels) {
    }
}
