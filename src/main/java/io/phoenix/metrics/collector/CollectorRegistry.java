package io.phoenix.metrics.collector;

import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.stats.SampleStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Every collector instance: the built-ins, any CDI bean implementing {@link MetricsCollector}, and instances
 * configured under {@code metrics.collectors.<name>.type}. Collecting here reads memory only.
 */
@ApplicationScoped
public class CollectorRegistry {

    private static final Logger LOG = Logger.getLogger(CollectorRegistry.class);

    @Inject
    MetricsConfig config;
    @Inject
    ContainerInventory inventory;
    @Inject
    SampleStore samples;
    @Inject
    @Any
    Instance<MetricsCollector> beans;

    private final CollectorFactory factory = new CollectorFactory();
    private final List<MetricsCollector> collectors = new CopyOnWriteArrayList<>();
    private volatile LabelPolicy labelPolicy = new LabelPolicy(List.of());

    public CollectorFactory factory() {
        return factory;
    }

    public void register(MetricsCollector collector) {
        collectors.removeIf(existing -> existing.config() != null && collector.config() != null
                && existing.config().name().equals(collector.config().name()));
        collectors.add(collector);
    }

    /** Resolves and checks all configuration, creates and initializes every instance. Fails start-up on bad config. */
    public void initializeAll() {
        labelPolicy = new LabelPolicy(config.labels().containerLabels().orElse(List.of()));
        Map<String, MetricsCollector> beansByName = new java.util.LinkedHashMap<>();
        for (MetricsCollector bean : beans) {
            beansByName.put(bean.name(), bean);
        }
        for (CollectorConfig c : CollectorSettings.resolve(config, factory.types(), beansByName.keySet())) {
            MetricsCollector bean = beansByName.get(c.type());
            if (bean != null && c.name().equals(bean.name())) {
                bean.initialize(c);
                register(bean);
            } else {
                register(factory.create(c.type(), c));
            }
        }
        LOG.infof("Collectors: %s", collectors.stream()
                .map(c -> c.config().name() + (c.config().enabled() ? "@" + c.config().interval().toMillis() + "ms" : " (disabled)"))
                .collect(Collectors.joining(", ")));
    }

    /** A read-only view (the list is copy-on-write, so iterating it is safe): called per sample, so no copy. */
    public List<MetricsCollector> collectors() {
        return java.util.Collections.unmodifiableList(collectors);
    }

    public Optional<MetricsCollector> get(String name) {
        return collectors.stream().filter(c -> c.config().name().equals(name)).findFirst();
    }

    public ContainerSnapshot snapshot(ContainerInfo container, Instant now) {
        return new ContainerSnapshot(container, samples.window(container.id()).orElse(null), now,
                labelPolicy.base(container), labelPolicy.metadata(container));
    }

    /** Runs every enabled container collector on one container, now, from memory. */
    public Optional<ContainerMetrics> collectAll(String containerId) {
        return inventory.get(containerId).map(container -> collect(container, Instant.now()));
    }

    public List<ContainerMetrics> collectAll() {
        Instant now = Instant.now();
        List<ContainerMetrics> all = new ArrayList<>();
        for (ContainerInfo container : inventory.all()) {
            all.add(collect(container, now));
        }
        return all;
    }

    private ContainerMetrics collect(ContainerInfo container, Instant now) {
        ContainerSnapshot snapshot = snapshot(container, now);
        List<MetricValue> values = new ArrayList<>();
        for (MetricsCollector collector : collectors) {
            if (collector.config().enabled() && collector instanceof ContainerMetricsCollector c) {
                values.addAll(c.collect(snapshot));
            }
        }
        return new ContainerMetrics(container.id(), container.name(), now, values);
    }

    public void cleanupAll() {
        for (MetricsCollector collector : collectors) {
            try {
                collector.cleanup();
            } catch (RuntimeException e) {
                LOG.warnf("cleanup of %s failed: %s", collector.config().name(), e.getMessage());
            }
        }
    }

}
