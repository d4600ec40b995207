package io.phoenix.metrics.testing.cri;

import io.grpc.ManagedChannel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.phoenix.metrics.runtime.cri.v1.ListContainersRequest;
import io.phoenix.metrics.runtime.cri.v1.ListPodSandboxRequest;
import io.phoenix.metrics.runtime.cri.v1.PodSandbox;
import io.phoenix.metrics.testing.cri.v1.ContainerConfig;
import io.phoenix.metrics.testing.cri.v1.ContainerMetadata;
import io.phoenix.metrics.testing.cri.v1.CreateContainerRequest;
import io.phoenix.metrics.testing.cri.v1.ImageSpec;
import io.phoenix.metrics.testing.cri.v1.LinuxContainerConfig;
import io.phoenix.metrics.testing.cri.v1.LinuxContainerSecurityContext;
import io.phoenix.metrics.testing.cri.v1.LinuxPodSandboxConfig;
import io.phoenix.metrics.testing.cri.v1.LinuxSandboxSecurityContext;
import io.phoenix.metrics.testing.cri.v1.NamespaceMode;
import io.phoenix.metrics.testing.cri.v1.NamespaceOption;
import io.phoenix.metrics.testing.cri.v1.PodSandboxConfig;
import io.phoenix.metrics.testing.cri.v1.PodSandboxMetadata;
import io.phoenix.metrics.testing.cri.v1.RemoveContainerRequest;
import io.phoenix.metrics.testing.cri.v1.RemovePodSandboxRequest;
import io.phoenix.metrics.testing.cri.v1.RunPodSandboxRequest;
import io.phoenix.metrics.testing.cri.v1.RuntimeServiceGrpc;
import io.phoenix.metrics.testing.cri.v1.StartContainerRequest;
import io.phoenix.metrics.testing.cri.v1.StopContainerRequest;
import io.phoenix.metrics.testing.cri.v1.StopPodSandboxRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs pods through CRI the way the kubelet does (sandbox with the io.kubernetes.* labels, then containers), for
 * tests and for {@code scripts/runtimes.sh pod|unpod}. Test code only: the agent never calls these methods.
 * Pods use the node's network namespace (no CNI here) and a cgroup parent of their own under /phoenix-cri.
 */
public final class CriDriver implements AutoCloseable {

    public static final String IMAGE = "localhost/phoenix-busybox:latest";
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private final ManagedChannel channel;
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub write;
    private final io.phoenix.metrics.runtime.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub read;

    public CriDriver(String endpoint) {
        channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create()).overrideAuthority("localhost").build();
        write = RuntimeServiceGrpc.newBlockingStub(channel);
        read = io.phoenix.metrics.runtime.cri.v1.RuntimeServiceGrpc.newBlockingStub(channel);
    }

    /** A pod's sandbox, as created. */
    public record Pod(String sandboxId, String name, String namespace, String uid, PodSandboxConfig config) {
    }

    public Pod runPod(String name, String namespace) {
        String uid = UUID.randomUUID().toString();
        PodSandboxMetadata metadata = PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid(uid).build();
        NamespaceOption node = NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE).build();
        PodSandboxConfig config = PodSandboxConfig.newBuilder()
                .setMetadata(metadata)
                .putLabels("io.kubernetes.pod.name", name)
                .putLabels("io.kubernetes.pod.namespace", namespace)
                .putLabels("io.kubernetes.pod.uid", uid)
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(cgroupParent(uid))
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(node)))
                .build();
        String id = deadline(write).runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
        return new Pod(id, name, namespace, uid, config);
    }

    /** Creates and starts a container in the pod; {@code attempt} and the restart annotation as the kubelet sets them. */
    public String startContainer(Pod pod, String name, int attempt, List<String> command) {
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(attempt))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE))
                .addAllCommand(command)
                .putLabels("io.kubernetes.pod.name", pod.name())
                .putLabels("io.kubernetes.pod.namespace", pod.namespace())
                .putLabels("io.kubernetes.pod.uid", pod.uid())
                .putLabels("io.kubernetes.container.name", name)
                .putAnnotations("io.kubernetes.container.restartCount", Integer.toString(attempt))
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
                .build();
        String id = deadline(write).createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod.sandboxId())
                .setConfig(config).setSandboxConfig(pod.config()).build()).getContainerId();
        deadline(write).startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    public void removeContainer(String id) {
        deadline(write).stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
        deadline(write).removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
    }

    /** Stops and removes every sandbox named {@code name} (and its containers); true when there was one. */
    public boolean removePod(String name) {
        boolean found = false;
        for (PodSandbox sandbox : read.withDeadlineAfter(30, TimeUnit.SECONDS).listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            if (!sandbox.getMetadata().getName().equals(name)) {
                continue;
            }
            found = true;
            read.withDeadlineAfter(30, TimeUnit.SECONDS).listContainers(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
                    .filter(c -> c.getPodSandboxId().equals(sandbox.getId()))
                    .forEach(c -> removeContainer(c.getId()));
            deadline(write).stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId()).build());
            deadline(write).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId()).build());
            removeCgroups(cgroupParent(sandbox.getMetadata().getUid()));
        }
        return found;
    }

    public io.phoenix.metrics.runtime.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub read() {
        return read.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static String cgroupParent(String uid) {
        return "/phoenix-cri/pod" + uid;
    }

    /** runc leaves the pod's parent directories behind in every hierarchy (cgroup v1 here): remove them, deepest first. */
    private static void removeCgroups(String parent) {
        try (Stream<Path> hierarchies = Files.list(CGROUP_ROOT)) {
            for (Path hierarchy : hierarchies.toList()) {
                Path dir = hierarchy.resolve(parent.substring(1));
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> tree = Files.walk(dir)) {
                        tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: an empty directory left behind costs nothing
        }
    }

    private static RuntimeServiceGrpc.RuntimeServiceBlockingStub deadline(RuntimeServiceGrpc.RuntimeServiceBlockingStub stub) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }

    /** {@code CriDriver ENDPOINT pod NAME [NAMESPACE]} prints the container id; {@code CriDriver ENDPOINT unpod NAME}. */
    public static void main(String[] args) {
        java.util.logging.Logger.getLogger("io.grpc").setLevel(java.util.logging.Level.WARNING);
        if (args.length < 3) {
            System.err.println("usage: CriDriver unix:///path pod NAME [NAMESPACE] | unpod NAME");
            System.exit(2);
        }
        try (CriDriver driver = new CriDriver(args[0])) {
            switch (args[1]) {
                case "pod" -> {
                    Pod pod = driver.runPod(args[2], args.length > 3 ? args[3] : "default");
                    System.out.println(driver.startContainer(pod, args[2], 0, List.of("/bin/sleep", "infinity")));
                }
                case "pods" -> { // pods N PREFIX: N pods at once, for measurements
                    int count = Integer.parseInt(args[2]);
                    java.util.stream.IntStream.range(0, count).parallel().forEach(i -> {
                        String name = args[3] + "-" + i;
                        driver.startContainer(driver.runPod(name, "default"), name, 0, List.of("/bin/sleep", "infinity"));
                    });
                }
                case "unpods" -> { // unpods N PREFIX
                    java.util.stream.IntStream.range(0, Integer.parseInt(args[2])).parallel()
                            .forEach(i -> driver.removePod(args[3] + "-" + i));
                }
                case "unpod" -> {
                    if (!driver.removePod(args[2])) {
                        System.err.println("no pod named " + args[2]);
                        System.exit(1);
                    }
                }
                default -> {
                    System.err.println("unknown command " + args[1]);
                    System.exit(2);
                }
            }
        }
        System.exit(0);
    }
}
