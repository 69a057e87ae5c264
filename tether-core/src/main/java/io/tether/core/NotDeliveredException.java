package io.tether.core;


/**
 * This send's message was never written to any connection, and the session ended (the cause, a
 * {@link SessionExpiredException}, says why): the peer certainly does not have it.
 * {@link #message()} is the message itself.
 */
public final class NotDeliveredException extends TetherException {
    private final transient UnacknowledgedMessage message;

    public NotDeliveredException(UnacknowledgedMessage message, SessionExpiredException cause) {
        super("message " + message.seq() + " not delivered (never sent): " + cause.getMessage(), cause);
        this.message = message;
    }

    public UnacknowledgedMessage message() {
        return message;
    }
}
