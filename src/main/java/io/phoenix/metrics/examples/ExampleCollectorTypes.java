package io.phoenix.metrics.examples;

import io.phoenix.metrics.collector.CollectorType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** How a custom collector type reaches the registry: a CDI producer of its {@link CollectorType}. */
@ApplicationScoped
public class ExampleCollectorTypes {

    @Produces
    @Singleton
    CollectorType headroom() {
        return MemoryHeadroomCollector.TYPE;
    }
}
