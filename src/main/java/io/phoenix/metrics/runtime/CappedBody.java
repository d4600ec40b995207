package io.phoenix.metrics.runtime;

import io.smallrye.mutiny.vertx.TypeArg;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * A response body kept in memory only up to a cap: the web client's own buffering would hold whatever an engine
 * sends. Past the cap the write fails with {@link RuntimeApiException.TooLarge}, which ends the exchange.
 */
final class CappedBody implements io.vertx.ext.web.codec.BodyCodec<Buffer> {

    private static final TypeArg<io.vertx.mutiny.core.buffer.Buffer> MUTINY_BUFFER = new TypeArg<>(
            o -> io.vertx.mutiny.core.buffer.Buffer.newInstance((Buffer) o), io.vertx.mutiny.core.buffer.Buffer::getDelegate);

    private final int maxBytes;
    private final String what;

    private CappedBody(int maxBytes, String what) {
        this.maxBytes = maxBytes;
        this.what = what;
    }

    static io.vertx.mutiny.ext.web.codec.BodyCodec<io.vertx.mutiny.core.buffer.Buffer> of(int maxBytes, String what) {
        return io.vertx.mutiny.ext.web.codec.BodyCodec.newInstance(new CappedBody(maxBytes, what), MUTINY_BUFFER);
    }

    @Override
    public void create(Handler<AsyncResult<BodyStream<Buffer>>> handler) {
        handler.handle(Future.succeededFuture(new Stream()));
    }

    private final class Stream implements BodyStream<Buffer> {
        private final Buffer body = Buffer.buffer();
        private final Promise<Buffer> result = Promise.promise();

        @Override
        public Future<Buffer> result() {
            return result.future();
        }

        @Override
        public void handle(Throwable failure) {
            result.tryFail(failure);
        }

        @Override
        public Stream exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            if ((long) body.length() + data.length() > maxBytes) {
                RuntimeApiException.TooLarge error = new RuntimeApiException.TooLarge(what + ": answer larger than " + maxBytes + " bytes");
                result.tryFail(error);
                return Future.failedFuture(error);
            }
            body.appendBuffer(data);
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            Future<Void> written = write(data);
            if (handler != null) {
                handler.handle(written);
            }
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            result.tryComplete(body);
            if (handler != null) {
                handler.handle(Future.succeededFuture());
            }
        }

        @Override
        public Stream setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public Stream drainHandler(Handler<Void> handler) {
            return this;
        }
    }
}
