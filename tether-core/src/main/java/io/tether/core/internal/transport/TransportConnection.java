package io.tether.core.internal.transport;

import io.tether.core.WebSocketConnection;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * What a protocol layer on top of a connection (the {@code tether.v1} session engine) needs
 * beyond the user-facing {@link WebSocketConnection}. The only permitted subtype of
 * {@code WebSocketConnection}, so every connection a listener receives is one:
 * {@link #of(WebSocketConnection)} never fails. Implemented by the transport (tether-netty's
 * connection handler) and by test doubles; not API.
 */
public non-sealed interface TransportConnection extends WebSocketConnection {

    /** {@code connection} as the transport interface it always is (see the class comment). */
    static TransportConnection of(WebSocketConnection connection) {
        return (TransportConnection) connection;
    }

    /**
     * Sends one binary message made of {@code header} (position to limit) followed by all of
     * {@code body}, with no completion stage: for protocol layers that learn of delivery another way
     * (tether.v1 replays what the peer has not acknowledged). Both are copied before this returns
     * and not kept. On a connection that is closing or closed the message is dropped, which such a
     * layer must tolerate; a failed write shows as the connection's close, never as an exception here.
     * The default joins the two and calls {@link #sendBinary(byte[])}; transports override it to
     * write without intermediate copies.
     */
    default void sendBinaryUnconfirmed(ByteBuffer header, byte[] body) {
        byte[] joined = new byte[header.remaining() + body.length];
        header.duplicate().get(joined, 0, header.remaining());
        System.arraycopy(body, 0, joined, joined.length - body.length, body.length);
        sendBinary(joined);
    }

    /**
     * The peer announced that it may fall silent for a while (a browser tab in the background,
     * whose timers are throttled): until called again with {@link Duration#ZERO}, the heartbeat
     * declares it dead only after its usual bound plus {@code grace}. Any thread.
     */
    void setLivenessGrace(Duration grace);
}
