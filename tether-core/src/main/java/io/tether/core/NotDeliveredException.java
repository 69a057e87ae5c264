package io.tether.core;

import io.tether.core.session.UndeliveredMessage;

/**
 * This send's message was never acknowledged by the peer and the session ended (the cause, a
 * {@link SessionExpiredException}, says why). {@link #message()} is the message itself.
 */
public final class NotDeliveredException extends TetherException {
    private final transient UndeliveredMessage message;

    public NotDeliveredException(UndeliveredMessage message, SessionExpiredException cause) {
        super("message " + message.seq() + " not delivered: " + cause.getMessage(), cause);
        this.message = message;
    }

    public UndeliveredMessage message() {
        return message;
    }
}
