package io.tether.server;

import io.tether.core.SessionExpiredException;
import io.tether.core.session.Delivery;

/**
 * Events of {@code tether.v1} sessions on an endpoint. Callbacks of one session run on its event
 * loop, in order, never concurrently; do not block in them. Exceptions they throw are logged.
 */
public interface SessionListener {

    /** A client started a new session (its first HELLO, or a resume that could not be honoured). */
    default void onSessionCreated(Session session) {
    }

    /** A message arrived, exactly once, in the order the client sent it. */
    default void onText(Session session, String text) {
    }

    default void onBinary(Session session, byte[] data) {
    }

    /**
     * As {@link #onText(Session, String)}, with how it arrived: override this one to see
     * {@link Delivery#possibleDuplicate()} (a client resending, after a session reset, a message whose
     * earlier copy may have reached this application). The default calls {@link #onText(Session, String)}.
     */
    default void onText(Session session, String text, Delivery delivery) {
        onText(session, text);
    }

    /** Binary counterpart of {@link #onText(Session, String, Delivery)}. */
    default void onBinary(Session session, byte[] data, Delivery delivery) {
        onBinary(session, data);
    }

    /** The session's connection ended; it is kept for a resume until its time-to-live passes. */
    default void onSessionDisconnected(Session session, Throwable cause) {
    }

    /** The client came back on a new connection; anything it missed is being replayed. */
    default void onSessionResumed(Session session) {
    }

    /**
     * The session ended without a resume within its time-to-live. {@code reason.unacknowledged()}
     * lists the messages sent to it that the client never acknowledged; their stages failed, with
     * {@link io.tether.core.InDoubtException} for those written to a connection (the client may have
     * them) and {@link io.tether.core.NotDeliveredException} for those never written.
     */
    default void onSessionExpired(Session session, SessionExpiredException reason) {
    }
}
