package io.tether.server;

import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import io.tether.core.WebSocketConnection;
import io.tether.core.session.SessionStats;
import java.util.Map;
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
     * The handshake of the connection that created the session; it stays the same across resumes
     * (see {@link #currentHandshake()} for the attached connection's).
     */
    HandshakeRequest handshake();

    /**
     * The handshake of the attached connection, if any: after a resume it is the resuming
     * connection's, which may differ from {@link #handshake()} (another address, newer headers).
     * Same as {@code connection().map(WebSocketConnection::handshake)}.
     */
    default Optional<HandshakeRequest> currentHandshake() {
        return connection().map(WebSocketConnection::handshake);
    }

    /**
     * What the {@link HandshakeGate}s attached when accepting the connection that created the
     * session (unmodifiable, empty when nothing). A resuming connection's own attributes, from its
     * gate run, are on {@code connection().map(WebSocketConnection::attributes)}.
     */
    Map<String, Object> attributes();

    /**
     * Who owns the session: the principal the server's authenticator found for its latest
     * connection (every connection of a session is the same principal — a resume by another is
     * refused). Empty for an anonymous session, and for one expired by a node that never held it.
     * Room authorizers ({@link io.tether.server.rooms.RoomAuthorizer}) decide on it.
     */
    default Optional<Principal> principal() {
        return connection().flatMap(WebSocketConnection::principal);
    }

    /**
     * Sends a text message, exactly once and in order. The stage completes when the client has
     * acknowledged it; it fails with {@link io.tether.core.BackpressureException} when the replay
     * buffer is full, or {@link io.tether.core.InDoubtException} / {@link io.tether.core.NotDeliveredException}
     * when the session expires first (written but unacknowledged / never written).
     */
    CompletionStage<Void> sendText(CharSequence text);

    /**
     * {@link #sendText}, flagged as a possible duplicate: the client's application may have had this
     * message already (it sees {@code possibleDuplicate} on its delivery) and should handle it
     * idempotently. For messages sent again after a failure that left their first send in doubt,
     * as {@link io.tether.server.rooms.Rooms} does for a session that moved from a node that died.
     */
    CompletionStage<Void> resendText(CharSequence text);

    /**
     * For a listener that finishes handling a message asynchronously: call it from
     * {@link SessionListener#onText} or {@link SessionListener#onBinary}, on the session's thread,
     * while that message is delivered. With a shared store the message then counts as handled —
     * acknowledged to the client, and not delivered again if this node dies — only once
     * {@code work} has completed (successfully or not) and what was sent meanwhile is stored; a
     * node that dies before that has the next node deliver it again, flagged. With the in-memory
     * store it changes nothing.
     *
     * @throws IllegalStateException when called outside the delivery of a message
     */
    void handledWhen(CompletionStage<?> work);

    /** Binary counterpart of {@link #sendText}; the array is copied. */
    CompletionStage<Void> sendBinary(byte[] data);

    SessionStats stats();
}
