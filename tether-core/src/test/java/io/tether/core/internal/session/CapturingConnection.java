package io.tether.core.internal.session;

import io.tether.core.RoundTripTime;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.transport.TransportConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A connection that records the tether.v1 frames written to it. */
final class CapturingConnection implements TransportConnection {
    final List<Frame> frames = new ArrayList<>();

    @Override
    public String id() {
        return "test";
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public String path() {
        return "/";
    }

    @Override
    public String subprotocol() {
        return "tether.v1";
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public CompletionStage<Void> sendText(CharSequence text) {
        throw new AssertionError("tether.v1 sends binary frames only");
    }

    @Override
    public CompletionStage<Void> sendBinary(byte[] data) {
        frames.add(FrameCodec.decode(ByteBuffer.wrap(data)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return new CompletableFuture<>();
    }

    java.time.Duration grace = java.time.Duration.ZERO;

    @Override
    public void setLivenessGrace(java.time.Duration grace) {
        this.grace = grace;
    }

    @Override
    public Optional<RoundTripTime> roundTripTime() {
        return Optional.empty();
    }

    <T extends Frame> List<T> of(Class<T> type) {
        return frames.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
