package io.tether.core;

/** Base of every exception Tether raises itself; unchecked, each subclass has one stable meaning. */
public abstract class TetherException extends RuntimeException {
    protected TetherException(String message) {
        super(message);
    }

    protected TetherException(String message, Throwable cause) {
        super(message, cause);
    }

    /** For exceptions about the peer or the network, where a stack trace says nothing and costs a lot. */
    protected TetherException(String message, boolean withStackTrace) {
        super(message, null, true, withStackTrace);
    }
}
