package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Compares a full container list of one endpoint with what the inventory holds: which containers to inspect. A
 * listed container is inspected when its list entry changed since the last list or the inventory lacks it; a known
 * container the list lacks is inspected too (dropped only on a 404, because a container created after the list was
 * taken is not in it either).
 */
final class ListReconcile {

    /** The list entry's fingerprint per container id, from the last list. */
    private final Map<String, String> listKeys = new ConcurrentHashMap<>();

    /**
     * @param list  the runtime's answer to GET /containers/json?all=1
     * @param known the inventory's containers of this endpoint
     * @param held  whether the inventory holds a container
     */
    List<String> toInspect(JsonArray list, Collection<ContainerInfo> known, Predicate<String> held) {
        Set<String> listed = new HashSet<>();
        List<String> toInspect = new ArrayList<>();
        for (Object entry : list) {
            if (!(entry instanceof JsonObject item)) {
                throw new RuntimeApiException.Protocol("/containers/json: entry is not an object");
            }
            String id = ContainerParser.listId(item);
            listed.add(id);
            String key = ContainerParser.listKey(item);
            if (!key.equals(listKeys.put(id, key)) || !held.test(id)) {
                toInspect.add(id);
            }
        }
        listKeys.keySet().retainAll(listed);
        for (ContainerInfo container : known) {
            if (!listed.contains(container.id())) {
                toInspect.add(container.id());
            }
        }
        return toInspect;
    }

    /** A removed container: its next listing is news. */
    void forget(String id) {
        listKeys.remove(id);
    }
}
