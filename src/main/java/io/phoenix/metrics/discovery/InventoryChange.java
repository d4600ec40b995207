package io.phoenix.metrics.discovery;

/**
 * Fired (CDI, synchronously, possibly on an event-loop thread: observers must not block) whenever the
 * inventory changes, so that stats streams and live views follow containers without polling.
 */
public sealed interface InventoryChange permits InventoryChange.Added, InventoryChange.Updated, InventoryChange.Removed {

    ContainerInfo container();

    record Added(ContainerInfo container) implements InventoryChange {
    }

    record Updated(ContainerInfo previous, ContainerInfo container) implements InventoryChange {
    }

    record Removed(ContainerInfo container) implements InventoryChange {
    }
}
