package io.tether.core;

/** Base of every exception Tether raises itself; unchecked, each subclass has one stable meaning. */
public abstract class TetherException extends RuntimeException {
    protected TetherException(String message) {
        super(message);
    }

    protected TetherException(String message, Throwable cause) {
        super(message, cause);
    }
}
