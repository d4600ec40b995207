package io.phoenix.metrics.stats.cgroup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One kernel file held open across ticks and re-read from offset 0 each time. */
final class KernelFile implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final boolean multiRecord;

    private KernelFile(Path path, FileChannel channel, boolean multiRecord) {
        this.path = path;
        this.channel = channel;
        this.multiRecord = multiRecord;
    }

    static KernelFile open(Path path, boolean multiRecord) throws IOException {
        return new KernelFile(path, FileChannel.open(path, StandardOpenOption.READ), multiRecord);
    }

    Scan into(Scan scan) throws IOException {
        return scan.load(channel, multiRecord);
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only descriptor of a virtual file: nothing was buffered, nothing to report
        }
    }
}
