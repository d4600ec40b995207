package io.phoenix.metrics.discovery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** All known containers of all endpoints, keyed by full id (engine ids are random 256-bit, unique across engines). */
@ApplicationScoped
public class ContainerInventory {

    /** Docker's CLI accepts shorter prefixes, but below this a typo too easily matches a different container. */
    static final int MIN_PREFIX = 4;

    private final ConcurrentMap<String, ContainerInfo> containers = new ConcurrentHashMap<>();

    @Inject
    Event<InventoryChange> changes;
    @Inject
    Event<OomReported> ooms;

    public void put(ContainerInfo container) {
        ContainerInfo previous = containers.put(container.id(), container);
        if (previous == null) {
            changes.fire(new InventoryChange.Added(container));
        } else if (!previous.equals(container)) {
            changes.fire(new InventoryChange.Updated(previous, container));
        }
    }

    public void remove(String id) {
        ContainerInfo removed = containers.remove(id);
        if (removed != null) {
            changes.fire(new InventoryChange.Removed(removed));
        }
    }

    /** An engine reported an OOM kill in a container; unknown containers are left out (nothing to name them by). */
    public void oomReported(String id, long timeNano) {
        ContainerInfo container = containers.get(id);
        if (container != null) {
            ooms.fire(new OomReported(container, timeNano));
        }
    }

    public Optional<ContainerInfo> get(String id) {
        return Optional.ofNullable(containers.get(id));
    }

    public Collection<ContainerInfo> all() {
        return containers.values();
    }

    public List<ContainerInfo> onEndpoint(String endpoint) {
        return containers.values().stream().filter(c -> c.endpoint().equals(endpoint)).toList();
    }

    /** Full id first, then exact name, then a unique id prefix: the order Docker's CLI resolves references in. */
    public ContainerLookup find(String reference) {
        ContainerInfo exact = containers.get(reference);
        if (exact != null) {
            return new ContainerLookup.Found(exact);
        }
        String name = ContainerParser.stripSlash(reference);
        List<ContainerInfo> byName = containers.values().stream().filter(c -> c.name().equals(name)).toList();
        if (!byName.isEmpty()) {
            return single(reference, byName);
        }
        if (reference.length() >= MIN_PREFIX) {
            List<ContainerInfo> byPrefix = containers.values().stream().filter(c -> c.id().startsWith(reference)).toList();
            if (!byPrefix.isEmpty()) {
                return single(reference, byPrefix);
            }
        }
        return new ContainerLookup.Missing(reference);
    }

    private static ContainerLookup single(String reference, List<ContainerInfo> matches) {
        if (matches.size() == 1) {
            return new ContainerLookup.Found(matches.get(0));
        }
        return new ContainerLookup.Ambiguous(reference,
                matches.stream().sorted(Comparator.comparing(ContainerInfo::id)).toList());
    }
}
