package io.phoenix.metrics.discovery;

import java.util.List;

/** Result of resolving what a user typed (id, id prefix or name) to a container. */
public sealed interface ContainerLookup permits ContainerLookup.Found, ContainerLookup.Missing, ContainerLookup.Ambiguous {

    record Found(ContainerInfo container) implements ContainerLookup {
    }

    record Missing(String reference) implements ContainerLookup {
    }

    record Ambiguous(String reference, List<ContainerInfo> candidates) implements ContainerLookup {
    }
}
