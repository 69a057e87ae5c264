package io.tether.core.reconnect;

/**
 * Decides whether a failure is worth retrying. Replace it to change the rules (for example to
 * retry 401 after refreshing a token). Called on the connection's event loop: do not block.
 */
@FunctionalInterface
public interface RetryClassifier {

    /**
     * @param cause why the connection ended or could not open: a
     *     {@link io.tether.core.ConnectionClosedException} for a close frame from the server (its code
     *     and reason), {@link io.tether.core.HandshakeRejectedException}, {@link io.tether.core.ConnectFailedException},
     *     {@link io.tether.core.heartbeat.HeartbeatTimeoutException}, or another exception
     */
    RetryDecision classify(Throwable cause);

    /** The rules documented in docs/reconnection.md. */
    RetryClassifier DEFAULT = new DefaultRetryClassifier();
}
