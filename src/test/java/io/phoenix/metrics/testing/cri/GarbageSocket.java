package io.phoenix.metrics.testing.cri;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A Unix socket that answers every connection with bytes that are neither HTTP nor HTTP/2, then hangs up. */
public final class GarbageSocket {

    private static volatile boolean listening;

    private GarbageSocket() {
    }

    public static synchronized void listen(Path path) {
        if (listening) {
            return;
        }
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            path.toFile().deleteOnExit();
            Thread thread = new Thread(() -> {
                while (server.isOpen()) {
                    try (SocketChannel client = server.accept()) {
                        client.write(ByteBuffer.wrap("\u0000\u0001garbage, not a runtime\r\n\r\n".repeat(8)
                                .getBytes(StandardCharsets.ISO_8859_1)));
                    } catch (IOException e) {
                        // the peer went away first: nothing to do
                    }
                }
            }, "garbage-socket");
            thread.setDaemon(true);
            thread.start();
            listening = true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + path, e);
        }
    }
}
