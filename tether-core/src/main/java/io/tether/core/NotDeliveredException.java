package io.tether.core;

/**
 * This send's message was never written to any connection, and the session ended (the cause, a
 * {@link SessionExpiredException}, says why): the peer certainly does not have it.
 * {@link #message()} is the message itself.
 */
public final class NotDeliveredException extends UnacknowledgedMessageException {
    public NotDeliveredException(UnacknowledgedMessage message, SessionExpiredException cause) {
        super("not delivered (never sent)", message, cause);
    }
}
