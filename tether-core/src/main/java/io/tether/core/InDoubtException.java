package io.tether.core;

/**
 * This send's message was written to a connection, but the session ended (the cause, a
 * {@link SessionExpiredException}, says why) before the peer acknowledged it: the peer may have
 * received and processed it, or not. Only the application can tell (e.g. by an idempotency key in
 * the message). {@link #message()} is the message itself.
 */
public final class InDoubtException extends UnacknowledgedMessageException {
    public InDoubtException(UnacknowledgedMessage message, SessionExpiredException cause) {
        super("in doubt (written, never acknowledged)", message, cause);
    }
}
