package io.tether.client;

/**
 * The life of a {@link TetherSocket}.
 *
 * <pre>
 *  CONNECTING ──open──► OPEN ──lost, retryable──► RECONNECTING ──open──► OPEN ...
 *      │                 │                          │  (waits the backoff delay, then connects;
 *      │                 │                          │   a failed attempt waits the next delay)
 *      │                 └──close()──► CLOSING ──► CLOSED
 *      └──refused / not retryable / limits reached / close()──────────────► CLOSED
 * </pre>
 *
 * CLOSED is final: reached exactly once, announced by {@link SocketListener#onClosed}.
 */
public enum SocketState {
    /** The first connection attempt is in flight. */
    CONNECTING,
    /** Connected; sends go straight to the connection. */
    OPEN,
    /** Connection lost: waiting for the next attempt or attempting; sends go to the outbox. */
    RECONNECTING,
    /** {@code close()} was called; the closing handshake is running. */
    CLOSING,
    /** Final. */
    CLOSED
}
