package io.phoenix.metrics.runtime.cri;

import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeGuard;
import io.phoenix.metrics.runtime.RuntimeEndpoint;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.runtime.cri.v1.ContainerEventResponse;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatsResponse;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatsRequest;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatusRequest;
import io.phoenix.metrics.runtime.cri.v1.ContainerStatusResponse;
import io.phoenix.metrics.runtime.cri.v1.GetEventsRequest;
import io.phoenix.metrics.runtime.cri.v1.ListContainerStatsRequest;
import io.phoenix.metrics.runtime.cri.v1.ListContainerStatsResponse;
import io.phoenix.metrics.runtime.cri.v1.ListContainersRequest;
import io.phoenix.metrics.runtime.cri.v1.ListContainersResponse;
import io.phoenix.metrics.runtime.cri.v1.ListPodSandboxRequest;
import io.phoenix.metrics.runtime.cri.v1.ListPodSandboxResponse;
import io.phoenix.metrics.runtime.cri.v1.RuntimeServiceGrpc;
import io.phoenix.metrics.runtime.cri.v1.VersionRequest;
import io.phoenix.metrics.runtime.cri.v1.VersionResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A CRI runtime (containerd, CRI-O) over its Unix socket: gRPC on our own channel (authority {@code localhost}:
 * some runtimes reject the socket path as {@code :authority}), non-blocking, every call through the endpoint's
 * {@link RuntimeGuard} like the engines' requests. Read-only by construction: the stub is generated from a
 * {@code .proto} that declares only Version, Status, List*, *Status, *Stats and GetContainerEvents, and this class
 * calls fewer still. Failures become the same {@link RuntimeApiException} kinds as the Docker API client's.
 */
public final class CriClient implements AutoCloseable {

    /** Kubelet's own default; a node with thousands of containers answers ListContainers in a few MiB. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final RuntimeEndpoint endpoint;
    private final ManagedChannel channel;
    private final RuntimeServiceGrpc.RuntimeServiceStub stub;
    private final RuntimeGuard guard;
    private final Consumer<RuntimeApiException> errors;
    private final long timeoutMillis;

    public CriClient(RuntimeEndpoint endpoint, Duration requestTimeout, RuntimeGuard guard, Consumer<RuntimeApiException> errors) {
        this.endpoint = endpoint;
        this.guard = guard;
        this.errors = errors;
        this.timeoutMillis = requestTimeout.toMillis();
        // grpc-netty-shaded resolves unix:// targets over epoll; callbacks run on its event loop (nothing blocks here).
        this.channel = Grpc.newChannelBuilder(endpoint.uri(), InsecureChannelCredentials.create())
                .overrideAuthority("localhost")
                .directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .idleTimeout(5, TimeUnit.MINUTES)
                .build();
        this.stub = RuntimeServiceGrpc.newStub(channel);
    }

    public RuntimeEndpoint endpoint() {
        return endpoint;
    }

    public RuntimeGuard guard() {
        return guard;
    }

    /** What the runtime says it is: containerd, cri-o (or another CRI runtime), its version and CRI API version. */
    public Uni<RuntimeIdentity> version() {
        return this.<VersionResponse>call("Version", (s, o) -> s.version(VersionRequest.newBuilder().setVersion("v1").build(), o))
                .map(CriClient::identity);
    }

    public Uni<ListContainersResponse> listContainers() {
        return this.<ListContainersResponse>call("ListContainers", (s, o) -> s.listContainers(ListContainersRequest.getDefaultInstance(), o));
    }

    public Uni<ListPodSandboxResponse> listPodSandbox() {
        return this.<ListPodSandboxResponse>call("ListPodSandbox", (s, o) -> s.listPodSandbox(ListPodSandboxRequest.getDefaultInstance(), o));
    }

    /** Verbose: the runtime's info JSON carries the pid and the cgroup path the kernel source needs. */
    public Uni<ContainerStatusResponse> containerStatus(String id) {
        return this.<ContainerStatusResponse>call("ContainerStatus", (s, o) -> s.containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build(), o));
    }

    public Uni<ContainerStatsResponse> containerStats(String id) {
        return this.<ContainerStatsResponse>call("ContainerStats", (s, o) -> s.containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build(), o));
    }

    public Uni<ListContainerStatsResponse> listContainerStats() {
        return this.<ListContainerStatsResponse>call("ListContainerStats", (s, o) -> s.listContainerStats(ListContainerStatsRequest.getDefaultInstance(), o));
    }

    /**
     * The runtime's container event stream (containerd ≥ 1.7, CRI-O). Runtimes without it fail the stream with a
     * Protocol error for which {@link #unimplemented} is true. Not opened while the endpoint's circuit is open.
     */
    public Multi<ContainerEventResponse> events() {
        return Multi.createFrom().<ContainerEventResponse>emitter(emitter -> {
            if (guard.isOpen()) {
                emitter.fail(counted("GetContainerEvents", new CircuitBreakerOpenException()));
                return;
            }
            Context.CancellableContext context = Context.current().withCancellation();
            emitter.onTermination(() -> context.cancel(null));
            Infrastructure.getDefaultWorkerPool().execute(() -> context.run(() -> stub.getContainerEvents(GetEventsRequest.getDefaultInstance(), new StreamObserver<>() {
                @Override
                public void onNext(ContainerEventResponse value) {
                    emitter.emit(value);
                }

                @Override
                public void onError(Throwable t) {
                    emitter.fail(counted("GetContainerEvents", t));
                }

                @Override
                public void onCompleted() {
                    emitter.complete();
                }
            })));
        });
    }

    /** True for the error of a method the runtime does not implement (e.g. GetContainerEvents on containerd 1.6). */
    public static boolean unimplemented(Throwable error) {
        return error instanceof RuntimeApiException.Protocol && error.getCause() instanceof StatusRuntimeException grpc
                && grpc.getStatus().getCode() == Status.Code.UNIMPLEMENTED;
    }

    static RuntimeIdentity identity(VersionResponse version) {
        String name = version.getRuntimeName();
        if (name.isEmpty()) {
            throw new RuntimeApiException.Protocol("CRI Version: no runtime_name");
        }
        RuntimeKind kind = switch (name.toLowerCase(Locale.ROOT)) {
            case "containerd" -> RuntimeKind.CONTAINERD;
            case "cri-o" -> RuntimeKind.CRI_O;
            default -> RuntimeKind.CRI;
        };
        return new RuntimeIdentity(kind, version.getRuntimeVersion(), version.getRuntimeApiVersion());
    }

    /** One unary call: deadline, cancelled with its subscription, guarded, failures mapped and counted. */
    private <T> Uni<T> call(String method, BiConsumer<RuntimeServiceGrpc.RuntimeServiceStub, StreamObserver<T>> invoke) {
        Uni<T> request = Uni.createFrom().emitter(emitter -> {
            Context.CancellableContext context = Context.current().withCancellation();
            emitter.onTermination(() -> context.cancel(null));
            context.run(() -> invoke.accept(stub.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS), new StreamObserver<>() {
                @Override
                public void onNext(T value) {
                    emitter.complete(value);
                }

                @Override
                public void onError(Throwable t) {
                    emitter.fail(mapped(method, t));
                }

                @Override
                public void onCompleted() {
                    // unary: onNext already completed the Uni
                }
            }));
        });
        // Started on a worker, not on the caller's event loop: a call can load gRPC/Netty classes or open the
        // connection, which must never stall the Vert.x threads that serve scrapes.
        return guard.call(() -> request.runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .onFailure().transform(e -> counted(method, e));
    }

    private RuntimeApiException counted(String method, Throwable failure) {
        RuntimeApiException error = failure instanceof RuntimeApiException e ? e : mapped(method, failure);
        if (!(error instanceof RuntimeApiException.NotFound)) {
            errors.accept(error);
        }
        return error;
    }

    /** gRPC status to the agent's error kinds: unreachable, gone, or speaking something else. */
    private RuntimeApiException mapped(String method, Throwable failure) {
        String what = "CRI " + method + " on " + endpoint.uri();
        if (failure instanceof RuntimeApiException e) {
            return e;
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return new RuntimeApiException.CircuitOpen(what + ": circuit open after repeated failures, not asking the runtime");
        }
        if (failure instanceof TimeoutException) {
            return new RuntimeApiException.Unavailable(what + ": no answer within " + timeoutMillis + " ms (runtime hung?)", failure);
        }
        Status status = Status.fromThrowable(failure);
        String detail = status.getCode() + (status.getDescription() == null ? "" : ": " + abbreviate(status.getDescription()));
        return switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, RESOURCE_EXHAUSTED ->
                    new RuntimeApiException.Unavailable(what + ": " + detail, failure);
            case NOT_FOUND -> new RuntimeApiException.NotFound(what + ": " + detail);
            default -> new RuntimeApiException.Protocol(what + ": " + detail, failure);
        };
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
