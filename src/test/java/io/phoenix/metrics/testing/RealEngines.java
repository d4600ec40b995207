package io.phoenix.metrics.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The real engines of scripts/runtimes.sh for one test at a time: {@link #on} waits until the agent under test
 * reports the engine up and hands out a fixture for it; after each test everything the test created through it
 * (containers, then networks, then anything passed to {@link #closeAfter}) is removed, even after a failure.
 * <pre>
 * &#64;RegisterExtension
 * static final RealEngines ENGINES = new RealEngines();
 * ...
 * ENGINES.on(Engine.DOCKER).run(EngineFixture.uniqueName("x"), "sleep", "300");
 * </pre>
 * Static, so that JUnit and the test method see the same instance; tests of one class run one at a time.
 */
public final class RealEngines implements AfterEachCallback {

    private final Map<Engine, EngineFixture> fixtures = new EnumMap<>(Engine.class);
    private final List<AutoCloseable> others = new ArrayList<>();
    private EngineFixture last;

    /** The engine's fixture for this test (one per engine and test), once the agent sees the engine up. */
    public synchronized EngineFixture on(Engine engine) {
        engine.awaitUp();
        last = fixtures.computeIfAbsent(engine, EngineFixture::new);
        return last;
    }

    /** The fixture the test opened last. */
    public synchronized EngineFixture fixture() {
        if (last == null) {
            throw new IllegalStateException("no engine opened in this test: call on(engine) first");
        }
        return last;
    }

    /** Closed after the test, after the fixtures (containers first, then what they used). */
    public synchronized <T extends AutoCloseable> T closeAfter(T resource) {
        others.add(resource);
        return resource;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws Exception {
        fixtures.values().forEach(EngineFixture::close);
        fixtures.clear();
        last = null;
        Exception first = null;
        for (AutoCloseable other : others) {
            try {
                other.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        others.clear();
        if (first != null) {
            throw first;
        }
    }
}
