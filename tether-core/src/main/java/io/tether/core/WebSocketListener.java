package io.tether.core;

/**
 * Receives one connection's events. Callbacks for one connection never run concurrently and keep
 * the order of the wire; by default they run on the connection's event loop, so a callback must not
 * block. An exception thrown by a callback is logged once and does not close the connection.
 *
 * <p>Exactly one of {@link #onClosed} and {@link #onFailure} is called, exactly once, and nothing
 * is called after it.
 */
public interface WebSocketListener {

    /** The opening handshake completed; {@code connection} can send from now on. */
    default void onOpen(WebSocketConnection connection) {
    }

    /** A complete text message arrived (fragments already joined, UTF-8 already validated). */
    default void onText(WebSocketConnection connection, String text) {
    }

    /** A complete binary message arrived; the array is the listener's to keep. */
    default void onBinary(WebSocketConnection connection, byte[] data) {
    }

    /**
     * The connection ended through a close frame: {@code code} and {@code reason} are the ones the
     * peer sent (or this side sent, when it initiated the close). {@link CloseCodes#NO_STATUS} when
     * the close frame carried no code.
     */
    default void onClosed(WebSocketConnection connection, int code, String reason) {
    }

    /**
     * The connection ended without a completed close handshake: the TCP connection was lost, the
     * heartbeat declared the peer dead ({@link io.tether.core.heartbeat.HeartbeatTimeoutException}),
     * or the peer broke the protocol ({@link ProtocolViolationException}).
     */
    default void onFailure(WebSocketConnection connection, Throwable cause) {
    }
}
