package io.phoenix.metrics.output.remotewrite;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An https receiver with a self-signed certificate (made by the JDK's keytool): trusted with tls.ca-file, refused
 * with the JVM's trust store (a recoverable failure: retried, not dropped); basic auth from a file, re-read.
 */
class TlsAndAuthTest {

    @TempDir
    static Path dir;
    static HttpsServer server;
    static final List<String> authorizations = new CopyOnWriteArrayList<>();
    static Vertx vertx;

    @BeforeAll
    static void httpsReceiver() throws Exception {
        Path keystore = dir.resolve("receiver.p12");
        keytool("-genkeypair", "-alias", "rw", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "rw", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", dir.resolve("ca.pem").toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/api/v1/write", exchange -> {
            exchange.getRequestBody().readAllBytes();
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        vertx = Vertx.vertx();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        vertx.closeAndAwait();
    }

    private static SendOutcome send(Optional<Path> ca, RemoteWriteSettings.Credentials credentials) throws Exception {
        RemoteWriteSettings settings = new RemoteWriteSettings(
                URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write"),
                Duration.ofSeconds(1), 100, Duration.ofMinutes(1), 1 << 20, Duration.ofSeconds(10),
                Duration.ofMillis(100), Duration.ofSeconds(1), Map.of("node", "n"), Map.of(), credentials, ca);
        try (RemoteWriteClient client = new RemoteWriteClient(vertx, settings, "phoenix-metrics-collector/test")) {
            client.refreshCredentials();
            Batch batch = new WriteRequestEncoder(Map.of("node", "n"), 10)
                    .encode(List.of(new StoreReader.Point("up", Map.of(), 1, 1)), 0).get(0);
            return client.send(batch).await().atMost(Duration.ofSeconds(30));
        }
    }

    @Test
    void trustedWithTheCaFileWithBasicAuthFromAFile() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        RemoteWriteSettings.Credentials basic = new RemoteWriteSettings.Credentials.Basic("agent", password);
        assertEquals(new SendOutcome.Delivered(204), send(Optional.of(dir.resolve("ca.pem")), basic));
        assertEquals("Basic " + Base64.getEncoder().encodeToString("agent:s3cret".getBytes(StandardCharsets.UTF_8)),
                authorizations.get(authorizations.size() - 1));
        Files.writeString(password, "rotated");
        send(Optional.of(dir.resolve("ca.pem")), basic);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("agent:rotated".getBytes(StandardCharsets.UTF_8)),
                authorizations.get(authorizations.size() - 1), "a rotated password is read again");
    }

    @Test
    void notTrustedByTheJvmTrustStoreAndRetriedNotDropped() throws Exception {
        int before = authorizations.size();
        SendOutcome outcome = send(Optional.empty(), new RemoteWriteSettings.Credentials.None());
        assertInstanceOf(SendOutcome.Retry.class, outcome);
        assertEquals(before, authorizations.size(), "no request got through");
    }
}
