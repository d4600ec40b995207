package io.phoenix.metrics.devengines;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.file.Path;

/**
 * Dev mode only: when this JVM started the private engines and they hold no container, starts the demo containers
 * (on a thread of its own: start-up does not wait) and removes them when the agent stops.
 */
@IfBuildProfile("dev")
@ApplicationScoped
class DevDemoContainers {

    private volatile DemoContainers demo;

    void start(@Observes StartupEvent event) {
        String dir = System.getProperty(DevEngines.STARTED);
        if (dir == null) {
            return;
        }
        DemoContainers containers = new DemoContainers(Path.of(dir), "phoenix-demo-");
        demo = containers;
        Thread thread = new Thread(containers::startWhereEmpty, "phoenix-dev-demo");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        DemoContainers containers = demo;
        if (containers != null) {
            containers.removeAll();
        }
    }
}
