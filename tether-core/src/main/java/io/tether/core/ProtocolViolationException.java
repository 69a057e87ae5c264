package io.tether.core;

/**
 * The peer broke RFC 6455 (or sent a message over the size limit); this side closed the connection
 * with {@link #code()} (1002, 1007 or 1009) and this message as the reason.
 */
public final class ProtocolViolationException extends TetherException {
    private final int code;

    public ProtocolViolationException(int code, String message) {
        super(message + " (closed with " + code + ")");
        this.code = code;
    }

    /** The close code this side sent: 1002 protocol error, 1007 invalid payload, 1009 too big. */
    public int code() {
        return code;
    }
}
