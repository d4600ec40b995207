package io.phoenix.metrics.output.remotewrite;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The misbehaving receiver, and a bearer token file for the agent to read. */
public class FakeReceiverResource implements QuarkusTestResourceLifecycleManager {

    static final String TOKEN = "t0k3n-for-tests";
    static volatile FakeReceiver receiver;
    private Path token;

    @Override
    public Map<String, String> start() {
        try {
            receiver = new FakeReceiver();
            token = Files.createTempFile("phoenix-rw-token", "");
            Files.writeString(token, TOKEN + "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("metrics.remote-write.url", receiver.url(),
                "metrics.remote-write.bearer-token-file", token.toString());
    }

    @Override
    public void stop() {
        receiver.close();
        try {
            Files.deleteIfExists(token);
        } catch (Exception e) {
            // a temp file left behind harms nothing
        }
    }
}
