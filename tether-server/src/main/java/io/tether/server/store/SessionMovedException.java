package io.tether.server.store;

import io.tether.core.TetherException;

/**
 * A write to a session's state was refused because the writer no longer owns it: another
 * {@link SessionStore#claim} (the client resumed elsewhere) raised its epoch, or it expired. The
 * node still holding a connection for it must let go: close that connection, keep nothing.
 */
public final class SessionMovedException extends TetherException {
    private static final long serialVersionUID = 1L;

    private final String sessionId;

    public SessionMovedException(String sessionId, String message) {
        super(message);
        this.sessionId = sessionId;
    }

    /** The session concerned. */
    public String sessionId() {
        return sessionId;
    }
}
