package io.tether.core.internal.session;

import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.testing.StubConnection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A connection that records the tether.v1 frames written to it. */
final class CapturingConnection extends StubConnection {
    final List<Frame> frames = new ArrayList<>();

    CapturingConnection() {
        super("test", Frame.SUBPROTOCOL);
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public CompletionStage<Void> sendBinary(byte[] data) {
        frames.add(FrameCodec.decode(ByteBuffer.wrap(data)));
        return CompletableFuture.completedFuture(null);
    }

    <T extends Frame> List<T> of(Class<T> type) {
        return frames.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
