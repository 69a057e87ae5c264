package io.tether.core;

/**
 * The connection is closed, or closing, so the operation could not be done. Carries the close code
 * and reason when they are known ({@link CloseCodes#NO_STATUS} when none was received).
 */
public final class ConnectionClosedException extends TetherException {
    private final int code;
    private final String reason;

    public ConnectionClosedException(int code, String reason) {
        super("connection closed (" + code + (reason.isEmpty() ? "" : " " + reason) + ")");
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
