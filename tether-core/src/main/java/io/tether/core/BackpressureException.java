package io.tether.core;

/**
 * A message could not be queued, or was dropped from the queue, because a bounded buffer was
 * full. The message says which limit and which overflow policy applied.
 */
public final class BackpressureException extends TetherException {
    public BackpressureException(String message) {
        super(message);
    }
}
