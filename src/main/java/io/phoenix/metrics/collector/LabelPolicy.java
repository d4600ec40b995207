package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which labels container series carry. Every series: container_id (12 characters), container_name, image,
 * runtime. Only container_info adds the rest: Kubernetes' pod, namespace, container and pod_uid, and the container labels
 * the operator listed, as container_label_&lt;sanitized&gt;. Container labels are never copied wholesale: they are
 * untrusted and unbounded. Every label is always present (empty when unknown) so one family has one label set.
 */
public record LabelPolicy(List<String> containerLabels) {

    static final String K8S_POD = "io.kubernetes.pod.name";
    static final String K8S_NAMESPACE = "io.kubernetes.pod.namespace";
    static final String K8S_CONTAINER = "io.kubernetes.container.name";
    static final String K8S_POD_UID = "io.kubernetes.pod.uid";

    public LabelPolicy {
        containerLabels = List.copyOf(containerLabels);
    }

    public Map<String, String> base(ContainerInfo container) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("container_id", container.shortId());
        labels.put("container_name", container.name());
        labels.put("image", container.image() == null ? "" : container.image());
        labels.put("runtime", container.runtime().label());
        return labels;
    }

    public Map<String, String> metadata(ContainerInfo container) {
        Map<String, String> labels = base(container);
        labels.put("pod", container.labels().getOrDefault(K8S_POD, ""));
        labels.put("namespace", container.labels().getOrDefault(K8S_NAMESPACE, ""));
        labels.put("container", container.labels().getOrDefault(K8S_CONTAINER, ""));
        labels.put("pod_uid", container.labels().getOrDefault(K8S_POD_UID, ""));
        for (String key : containerLabels) {
            labels.put("container_label_" + sanitize(key), container.labels().getOrDefault(key, ""));
        }
        return labels;
    }

    /** Prometheus label names allow [a-zA-Z0-9_] and no leading digit: everything else becomes '_'. */
    public static String sanitize(String key) {
        StringBuilder name = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            name.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        return name.toString();
    }
}
