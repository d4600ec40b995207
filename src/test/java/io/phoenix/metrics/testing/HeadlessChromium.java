package io.phoenix.metrics.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Chromium, driven through chromedriver's W3C WebDriver HTTP API on loopback with the JDK's
 * HttpClient (no Selenium). Its profile is a fresh temporary directory; host names other than localhost resolve to
 * nothing, so the page can only reach the agent under test. Every wait is bounded, and {@link #close()} kills
 * chromedriver and the browser even when the session is stuck.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration REQUEST = Duration.ofSeconds(30);
    private static final Pattern PORT = Pattern.compile("started successfully on port (\\d+)");

    private final Process driver;
    private final Path profile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST).build();
    private String driverUrl;
    private String session; // path of the WebDriver session, once created

    private HeadlessChromium(Process driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static HeadlessChromium start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install chromium chromium-driver (.ci/run installs them)");
        }
        Path profile = Files.createTempDirectory("phoenix-chromium-");
        // Port 0: chromedriver picks a free port and says which; it only accepts local connections by default.
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=0").redirectErrorStream(true).start();
        HeadlessChromium browser = new HeadlessChromium(driver, profile);
        try {
            browser.driverUrl = "http://127.0.0.1:" + browser.driverPort().get(START.toSeconds(), TimeUnit.SECONDS);
            browser.newSession();
            return browser;
        } catch (Exception e) {
            browser.close();
            throw e;
        }
    }

    /** Reads chromedriver's output to the end (so it never blocks on a full pipe); completes with its port. */
    private CompletableFuture<Integer> driverPort() {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = PORT.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // chromedriver killed
            }
            port.completeExceptionally(new IllegalStateException("chromedriver exited without a port"));
        }, "chromedriver-output");
        reader.setDaemon(true);
        reader.start();
        return port;
    }

    private void newSession() {
        List<String> args = List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost");
        JsonObject capabilities = new JsonObject().put("alwaysMatch", new JsonObject()
                .put("goog:chromeOptions", new JsonObject().put("binary", CHROMIUM.toString()).put("args", new JsonArray(args)))
                .put("timeouts", new JsonObject().put("pageLoad", 20_000).put("script", 5_000)));
        JsonObject created = call("POST", "/session", new JsonObject().put("capabilities", capabilities)).getJsonObject("value");
        session = "/session/" + created.getString("sessionId");
    }

    public void open(String url) {
        call("POST", session + "/url", new JsonObject().put("url", url));
    }

    /** Runs a script in the page ({@code arguments[i]} are the args) and returns what it returns, as JSON. */
    public Object script(String body, Object... args) {
        return call("POST", session + "/execute/sync", new JsonObject().put("script", body).put("args", new JsonArray(List.of(args))))
                .getValue("value");
    }

    /** Types into the element the CSS selector finds, as a user would (key events, so input handlers fire). */
    public void type(String cssSelector, String text) {
        call("POST", session + "/element/" + element(cssSelector) + "/value", new JsonObject().put("text", text));
    }

    /** Clicks the element the CSS selector finds, as a user would (scrolled into view, real mouse events). */
    public void click(String cssSelector) {
        call("POST", session + "/element/" + element(cssSelector) + "/click", new JsonObject());
    }

    /** Reloads the page from its current address. */
    public void reload() {
        call("POST", session + "/refresh", new JsonObject());
    }

    /** Sets the window's outer size in CSS pixels. */
    public void windowSize(int width, int height) {
        call("POST", session + "/window/rect", new JsonObject().put("width", width).put("height", height));
    }

    /** Writes a PNG of the visible part of the page. */
    public Path screenshot(Path file) throws IOException {
        String png = call("GET", session + "/screenshot", null).getString("value");
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, java.util.Base64.getDecoder().decode(png));
    }

    private String element(String cssSelector) {
        JsonObject element = call("POST", session + "/element", new JsonObject().put("using", "css selector").put("value", cssSelector))
                .getJsonObject("value");
        // The W3C element reference key is a fixed constant of the protocol.
        return element.getString("element-6066-11e4-a52e-4f735466cecf");
    }

    private JsonObject call(String method, String path, JsonObject body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(driverUrl + path)).timeout(REQUEST)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("WebDriver " + method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return new JsonObject(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", session, null); // chromedriver quits the browser
            }
        } catch (RuntimeException e) {
            // stuck or gone: the processes are killed below either way
        }
        List<ProcessHandle> children = driver.descendants().toList();
        driver.destroy();
        try {
            if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            driver.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp directory left behind is harmless
        }
    }
}
