package io.tether.core;

/** A message waited longer than its expiry for a connection, so it was failed instead of sent late. */
public final class MessageExpiredException extends TetherException {
    public MessageExpiredException(String message) {
        super(message);
    }
}
