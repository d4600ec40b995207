package io.phoenix.metrics.collector;

import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.stats.SampleStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Every collector instance the configuration asks for, created through the {@link CollectorFactory}: the built-in
 * types and the custom ones (CDI beans of type {@link CollectorType}), one default instance per type plus any
 * configured under {@code metrics.collectors.<name>.type}. Collecting from here reads memory only.
 */
@ApplicationScoped
public class CollectorRegistry {

    private static final Logger LOG = Logger.getLogger(CollectorRegistry.class);

    @Inject
    MetricsConfig config;
    @Inject
    SampleStore samples;
    @Inject
    @Any
    Instance<CollectorType> customTypes;

    private final CollectorFactory factory = new CollectorFactory();
    private final List<MetricsCollector> collectors = new CopyOnWriteArrayList<>();
    private volatile LabelPolicy labelPolicy = new LabelPolicy(List.of());
    private final Map<String, Labels> labels = new ConcurrentHashMap<>();

    public CollectorFactory factory() {
        return factory;
    }

    /** Adds an instance, replacing one of the same name. */
    public void register(MetricsCollector collector) {
        collectors.removeIf(existing -> existing.name().equals(collector.name()));
        collectors.add(collector);
    }

    /** Resolves and checks all configuration and creates every instance. Fails start-up on bad config. */
    public void initializeAll() {
        labelPolicy = new LabelPolicy(config.labels().containerLabels().orElse(List.of()));
        for (CollectorType type : customTypes) {
            factory.registerCollectorType(type);
        }
        for (CollectorConfig c : CollectorConfigResolver.resolve(config, factory.types())) {
            register(factory.create(c));
        }
        LOG.infof("Collectors: %s", collectors.stream()
                .map(c -> c.name() + (c.config().enabled() ? "@" + c.config().interval().toMillis() + "ms" : " (disabled)"))
                .collect(Collectors.joining(", ")));
    }

    /** A read-only view (the list is copy-on-write, so iterating it is safe): called per sample, so no copy. */
    public List<MetricsCollector> collectors() {
        return Collections.unmodifiableList(collectors);
    }

    public Optional<MetricsCollector> get(String name) {
        return collectors.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** What a container collector is given for one container: its record, newest samples and labels. */
    public ContainerSnapshot snapshot(ContainerInfo container, Instant now) {
        Labels cached = labels.get(container.id());
        if (cached == null || cached.of() != container) {
            cached = new Labels(container, MetricValue.frozen(labelPolicy.base(container)),
                    MetricValue.frozen(labelPolicy.metadata(container)));
            labels.put(container.id(), cached);
        }
        return new ContainerSnapshot(container, samples.window(container.id()).orElse(null), now, cached.base(),
                cached.metadata());
    }

    /** A removed container's labels go with it. */
    public void forget(String containerId) {
        labels.remove(containerId);
    }

    /** Keeps only these containers' labels (a pass's sweep, for a removal that raced a snapshot). */
    void retain(Set<String> containerIds) {
        labels.keySet().retainAll(containerIds);
    }

    /**
     * A container's labels, made once per record (a changed record is a new instance): every pass then labels its
     * series with the same maps.
     */
    private record Labels(ContainerInfo of, Map<String, String> base, Map<String, String> metadata) {
    }

    public void cleanupAll() {
        for (MetricsCollector collector : collectors) {
            try {
                collector.cleanup();
            } catch (RuntimeException e) {
                LOG.warnf("cleanup of %s failed: %s", collector.name(), e.getMessage());
            }
        }
    }
}
