package io.tether.core;

/**
 * A send's message was not acknowledged before its session ended (the cause, a
 * {@link SessionExpiredException}, says why): {@link InDoubtException} when it was written to a
 * connection, {@link NotDeliveredException} when it never was. {@link #message()} is the message.
 */
public abstract sealed class UnacknowledgedMessageException extends TetherException
        permits InDoubtException, NotDeliveredException {
    private final transient UnacknowledgedMessage message;

    UnacknowledgedMessageException(String what, UnacknowledgedMessage message, SessionExpiredException cause) {
        super("message " + message.seq() + " " + what + ": " + cause.getMessage(), cause);
        this.message = message;
    }

    public UnacknowledgedMessage message() {
        return message;
    }
}
