package io.phoenix.metrics.collector;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The {@code oom-by-name} collector type: its instances read the one {@link OomTally}, so it comes from CDI. */
@ApplicationScoped
public class OomByNameType {

    @Inject
    OomTally tally;

    @Produces
    @Singleton
    CollectorType oomByName() {
        return new CollectorType("oom-by-name", true, config -> new OomByNameCollector(config, tally));
    }
}
