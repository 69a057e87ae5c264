package io.tether.server.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tether.core.CloseCodes;
import io.tether.core.ProtocolViolationException;
import io.tether.core.WebSocketConnection;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.transport.TransportListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The listener of one {@code tether.v1} connection on the server: expects HELLO first (within the
 * handshake timeout), binds the connection to its session, then hands every frame to it.
 */
final class SessionConnectionListener implements TransportListener {
    private final SessionManager manager;
    private final EventLoop loop;
    private final Duration helloTimeout;
    private volatile @Nullable ServerSession session;
    private boolean helloSeen;
    private @Nullable ScheduledFuture<?> helloTimer;

    SessionConnectionListener(SessionManager manager, EventLoop loop, Duration helloTimeout) {
        this.manager = manager;
        this.loop = loop;
        this.helloTimeout = helloTimeout;
    }

    @Override
    public void onOpen(WebSocketConnection connection) {
        helloTimer = loop.schedule(() -> {
            if (!helloSeen) {
                connection.close(CloseCodes.PROTOCOL_ERROR, "tether.v1: no HELLO within " + helloTimeout.toMillis() + " ms");
            }
        }, helloTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void onBinary(WebSocketConnection connection, byte[] data) {
        onBinaryView(connection, ByteBuffer.wrap(data));
    }

    /** Frames are parsed in place: {@code data} is the transport's memory, valid during this call. */
    @Override
    public void onBinaryView(WebSocketConnection connection, ByteBuffer data) {
        ServerSession bound = session;
        if (bound != null) {
            bound.onFrame(connection, data);
            return;
        }
        if (helloSeen) {
            connection.close(CloseCodes.PROTOCOL_ERROR, "tether.v1: frame before WELCOME");
            return;
        }
        Frame frame;
        try {
            frame = FrameCodec.decode(data);
        } catch (ProtocolViolationException e) {
            connection.close(e.code(), CloseCodes.fitReason(String.valueOf(e.getMessage())));
            return;
        }
        if (!(frame instanceof Frame.Hello hello)) {
            connection.close(CloseCodes.PROTOCOL_ERROR, "tether.v1: expected HELLO first, got "
                    + frame.getClass().getSimpleName().toUpperCase());
            return;
        }
        helloSeen = true;
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        manager.onHello(connection, loop, hello, s -> session = s);
    }

    @Override
    public void onText(WebSocketConnection connection, String text) {
        connection.close(CloseCodes.UNSUPPORTED_DATA, "tether.v1 carries binary frames only");
    }

    @Override
    public void onClosed(WebSocketConnection connection, int code, String reason) {
        ended(connection, new io.tether.core.ConnectionClosedException(code, reason));
    }

    @Override
    public void onFailure(WebSocketConnection connection, Throwable cause) {
        ended(connection, cause);
    }

    private void ended(WebSocketConnection connection, Throwable cause) {
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        ServerSession bound = session;
        if (bound != null) {
            bound.connectionEnded(connection, cause);
        }
    }
}
