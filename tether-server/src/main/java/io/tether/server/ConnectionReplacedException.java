package io.tether.server;

import io.tether.core.TetherException;

/**
 * The cause {@link SessionListener#onSessionDisconnected} reports when a session's connection was
 * still attached as the client resumed on a newer one (typically a half-open connection after a
 * network change): the old connection is detached and closed, and the session goes on on the new
 * one. No stack trace: it reports what the client did.
 */
public final class ConnectionReplacedException extends TetherException {
    private final String replacedId;

    /** @param replacedId the {@link io.tether.core.WebSocketConnection#id()} of the connection replaced */
    public ConnectionReplacedException(String replacedId, String newerId) {
        super("connection " + replacedId + " replaced by a newer connection " + newerId
                + " resuming the same session", false);
        this.replacedId = replacedId;
    }

    /** The id of the connection that was replaced. */
    public String replacedId() {
        return replacedId;
    }
}
