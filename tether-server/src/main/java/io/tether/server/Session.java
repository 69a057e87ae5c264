package io.tether.server;

import io.tether.core.WebSocketConnection;
import io.tether.core.session.SessionStats;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A {@code tether.v1} session on the server: one client's conversation across any number of
 * connections. Sending works while the client is disconnected — the message waits in the replay
 * buffer and is delivered when the client resumes. Thread-safe.
 */
public interface Session {

    String id();

    /** Whether a connection is attached right now. */
    boolean isConnected();

    /** The attached connection, if any. */
    Optional<WebSocketConnection> connection();

    /**
     * Sends a text message, exactly once and in order. The stage completes when the client has
     * acknowledged it; it fails with {@link io.tether.core.BackpressureException} when the replay
     * buffer is full, or {@link io.tether.core.InDoubtException} / {@link io.tether.core.NotDeliveredException}
     * when the session expires first (written but unacknowledged / never written).
     */
    CompletionStage<Void> sendText(CharSequence text);

    /** Binary counterpart of {@link #sendText}; the array is copied. */
    CompletionStage<Void> sendBinary(byte[] data);

    SessionStats stats();
}
