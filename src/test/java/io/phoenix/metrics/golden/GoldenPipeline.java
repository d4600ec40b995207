package io.phoenix.metrics.golden;

import io.phoenix.metrics.collector.CollectorBuilder;
import io.phoenix.metrics.collector.CollectorFactory;
import io.phoenix.metrics.collector.ContainerMetricsCollector;
import io.phoenix.metrics.collector.ContainerSnapshot;
import io.phoenix.metrics.collector.LabelPolicy;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.collector.MetricsCollector;
import io.phoenix.metrics.collector.SystemMetricsCollector;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerParser;
import io.phoenix.metrics.exposition.ExpositionAccess;
import io.phoenix.metrics.runtime.JsonObjectFramer;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.stats.DockerStatsParser;
import io.phoenix.metrics.stats.EffectiveLimit;
import io.phoenix.metrics.stats.PodmanStatsParser;
import io.phoenix.metrics.stats.SampleStore;
import io.phoenix.metrics.stats.cgroup.CgroupReading;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The only class of the golden harness that knows src/main: recorded payloads through the production parsers,
 * sample store, collectors (made by the collector factory, as configuration would) and the /metrics renderer.
 * When main's APIs change, this is the one place to adapt; the expected pages must not change with it.
 * (The kernel reader and the renderer are package-private: {@link CgroupReading} and {@link ExpositionAccess}
 * are one-method doors to them.)
 */
public final class GoldenPipeline {

    private static final String ENDPOINT = "unix:///golden/engine.sock";

    private GoldenPipeline() {
    }

    /** The container and host families of /metrics for one case, as the agent would serve them. */
    public static String render(GoldenCase c) throws Exception {
        RuntimeIdentity engine = RuntimeIdentity.fromVersion(new JsonObject(Buffer.buffer(c.version())));
        if (!engine.kind().label().equals(c.engine())) {
            throw new IllegalArgumentException(c.name() + ": engine=" + c.engine() + " but the version payload names " + engine.kind().label());
        }
        byte[] inspect = c.inspect();
        ContainerInfo container = inspect == null ? null
                : ContainerParser.fromInspect(new JsonObject(Buffer.buffer(inspect)), engine.kind(), ENDPOINT);
        SampleStore samples = new SampleStore();
        if (container != null) {
            feed(c, engine, container, samples);
        }
        LabelPolicy policy = new LabelPolicy(c.containerLabels());
        List<MetricValue> values = new ArrayList<>();
        for (MetricsCollector collector : collectors(c)) {
            if (collector instanceof ContainerMetricsCollector perContainer && container != null) {
                values.addAll(perContainer.collect(new ContainerSnapshot(container, samples.window(container.id()).orElse(null),
                        c.now(), policy.base(container), policy.metadata(container))));
            } else if (collector instanceof SystemMetricsCollector host) {
                values.addAll(host.collect());
            }
        }
        return new String(ExpositionAccess.write(values, c.openMetrics(), false), StandardCharsets.UTF_8);
    }

    private static void feed(GoldenCase c, RuntimeIdentity engine, ContainerInfo container, SampleStore samples) throws Exception {
        if (c.source().equals("cgroup")) {
            if (container.pid() != null) {
                long host = EffectiveLimit.read(c.cgroupTree().resolve("proc").resolve("meminfo")); // 0: the tree has none
                samples.accept(EffectiveLimit.fromKernel(CgroupReading.read(c.cgroupTree(), container.id(), container.pid(),
                        c.includeLoopback(), c.now()), host > 0 ? host : null));
            }
            return;
        }
        boolean swapped = engine.kind() == RuntimeKind.PODMAN && PodmanStatsParser.swapsNetIo(engine.version());
        for (byte[] payload : c.stats()) {
            for (JsonObject object : new JsonObjectFramer().feed(Buffer.buffer(payload))) {
                if (engine.kind() == RuntimeKind.PODMAN) {
                    // the recording host's memory is not known: the engine's limit stands, as the pipeline keeps it
                    PodmanStatsParser.parse(object, swapped).forEach(s -> samples.accept(EffectiveLimit.fromEngine(s, null)));
                } else if (!DockerStatsParser.isStoppedMarker(object)) {
                    samples.accept(EffectiveLimit.fromEngine(DockerStatsParser.parse(container.id(), object), null)); // per container
                }
            }
        }
    }

    /** The case's collectors in the order the service registers them (built-in order), each with its settings. */
    private static List<MetricsCollector> collectors(GoldenCase c) {
        CollectorFactory factory = new CollectorFactory();
        for (String type : c.collectors()) {
            if (!CollectorFactory.builtInTypes().contains(type)) {
                throw new IllegalArgumentException(c.name() + ": collectors lists " + type + ", not a built-in type");
            }
        }
        List<MetricsCollector> collectors = new ArrayList<>();
        for (String type : CollectorFactory.builtInTypes()) {
            if (!c.collectors().contains(type)) {
                continue;
            }
            CollectorBuilder builder = new CollectorBuilder(factory).name(type).customLabels(c.customLabels(type));
            if (type.equals("system") && c.source().equals("cgroup")) {
                builder.parameters(Map.of("proc-root", c.cgroupTree().resolve("proc").toString()));
            }
            collectors.add(builder.build(type));
        }
        return collectors;
    }
}
