package io.phoenix.metrics.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The project's Kubernetes manifests: rendered with {@code kubectl kustomize} (the one on PATH: Debian's
 * kubernetes-client or a newer kubectl), read as YAML, and bound to the Kubernetes and Prometheus Operator API
 * models of fabric8 strictly: the models keep unknown fields in an "additionalProperties" map, which this mapper
 * switches off, so a misspelt or misplaced field fails with its path, as does a value of the wrong type.
 */
public final class Manifests {

    public static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    public static final Path K8S = PROJECT.resolve("k8s");
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** kind → model class of every kind the kit ships. */
    static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "Namespace", io.fabric8.kubernetes.api.model.Namespace.class,
            "ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class,
            "Service", io.fabric8.kubernetes.api.model.Service.class,
            "DaemonSet", io.fabric8.kubernetes.api.model.apps.DaemonSet.class,
            "ServiceMonitor", io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class,
            "PodMonitor", io.fabric8.openshift.api.model.monitoring.v1.PodMonitor.class,
            "PrometheusRule", io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class);

    public static final ObjectMapper STRICT = strictMapper();

    private Manifests() {
    }

    private static ObjectMapper strictMapper() {
        SimpleModule noAnySetter = new SimpleModule("no-additional-properties");
        noAnySetter.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                                                         BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                return builder;
            }
        });
        return new ObjectMapper()
                .registerModule(noAnySetter)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
    }

    /** {@code kubectl kustomize DIR}, every document of its output. */
    public static List<JsonNode> render(Path kustomization) throws IOException, InterruptedException {
        Path err = Files.createTempFile("phoenix-kustomize-", ".err");
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", kustomization.toString())
                    .redirectError(err.toFile()).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + kustomization + " failed:\n" + Files.readString(err));
            }
            return documents(new String(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    public static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    /** Binds one document to its kind's model; fails naming the kind, the name and the offending path. */
    public static HasMetadata bind(JsonNode document) {
        String kind = document.path("kind").asText();
        Class<? extends HasMetadata> model = MODELS.get(kind);
        if (model == null) {
            throw new AssertionError("no API model for kind " + kind + " (add it to Manifests.MODELS)");
        }
        try {
            return STRICT.treeToValue(document, model);
        } catch (IOException e) {
            throw new AssertionError(kind + " " + document.path("metadata").path("name").asText() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The one document of a kind in a rendering. */
    public static JsonNode single(List<JsonNode> documents, String kind) {
        List<JsonNode> found = documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }
}
