package io.phoenix.metrics.testing;

import io.quarkus.test.junit.callback.QuarkusTestAfterEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * What a {@code @QuarkusTest} method opens and must not outlive it (its real-engine fixtures), closed after the
 * method even when an assertion failed. A JUnit extension cannot do this: Quarkus runs the method on an instance from
 * its own class loader, where the extension's state is another object. This callback is loaded by Quarkus in that
 * loader (META-INF/services), so the list it empties is the one the test filled.
 */
public final class PerTest implements QuarkusTestAfterEachCallback {

    private static final Deque<AutoCloseable> OPEN = new ConcurrentLinkedDeque<>();

    /** Registers a resource to close after the current test method, the last opened first. */
    public static <T extends AutoCloseable> T closeAfter(T resource) {
        OPEN.push(resource);
        return resource;
    }

    @Override
    public void afterEach(QuarkusTestMethodContext context) {
        for (AutoCloseable resource; (resource = OPEN.poll()) != null; ) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("closing " + resource + " after " + context.getTestMethod().getName() + ": " + e);
            }
        }
    }
}
