package io.tether.core;

/**
 * The connection is closed, or closing, so the operation could not be done. Carries the close code
 * and reason when they are known ({@link CloseCodes#NO_STATUS} when none was received).
 *
 * <p>It has no stack trace: it reports what the peer or the network did, not where in the code
 * something went wrong, and filling one in for every dropped connection was a measurable part of a
 * short-lived connection's cost (as Netty does for its closed-channel exceptions).
 */
public final class ConnectionClosedException extends TetherException {
    private final int code;
    private final String reason;

    public ConnectionClosedException(int code, String reason) {
        super("connection closed (" + code + (reason.isEmpty() ? "" : " " + reason) + ")", false);
        this.code = code;
        this.reason = reason;
    }

    /** The close code sent or received, or 1006 when the connection ended without a close frame. */
    public int code() {
        return code;
    }

    /** The close reason, possibly empty; never null. */
    public String reason() {
        return reason;
    }
}
