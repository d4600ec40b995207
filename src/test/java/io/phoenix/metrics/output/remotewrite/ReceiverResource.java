package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.testing.PrometheusServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A real Prometheus accepting remote-write, started before the agent so the agent can be pointed at it. */
public class ReceiverResource implements QuarkusTestResourceLifecycleManager {

    static volatile PrometheusServer receiver;

    @Override
    public Map<String, String> start() {
        try {
            receiver = PrometheusServer.startReceiver();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("metrics.remote-write.url", receiver.writeUrl());
    }

    @Override
    public void stop() {
        try {
            receiver.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
