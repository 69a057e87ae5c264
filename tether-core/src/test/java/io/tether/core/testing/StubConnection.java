package io.tether.core.testing;

import io.tether.core.RoundTripTime;
import io.tether.core.internal.transport.TransportConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The inert parts of a connection for test doubles: an id, a loopback address, path {@code /}, a
 * subprotocol given at construction, open until {@link #close} (which completes at once), no RTT;
 * the liveness grace last set is kept in {@link #grace}. Subclasses write the sends.
 */
public abstract class StubConnection implements TransportConnection {
    private final String id;
    private final @Nullable String subprotocol;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    protected boolean open = true;
    /** The last {@link #setLivenessGrace} value. */
    public Duration grace = Duration.ZERO;

    protected StubConnection(String id, @Nullable String subprotocol) {
        this.id = id;
        this.subprotocol = subprotocol;
    }

    @Override
    public String id() {
        return id;
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
    public @Nullable String subprotocol() {
        return subprotocol;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public CompletionStage<Void> sendText(CharSequence text) {
        throw new AssertionError("tether.v1 sends binary frames only");
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        open = false;
        closeFuture.complete(null);
        return closeFuture;
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public void setLivenessGrace(Duration grace) {
        this.grace = grace;
    }

    @Override
    public Optional<RoundTripTime> roundTripTime() {
        return Optional.empty();
    }
}
