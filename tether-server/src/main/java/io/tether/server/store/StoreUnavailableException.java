package io.tether.server.store;

import io.tether.core.TetherException;

/**
 * The store could not be reached or did not answer in time: nothing is known to have changed.
 * New sessions are refused while it lasts (HTTP 503 with Retry-After); live connections go on.
 */
public final class StoreUnavailableException extends TetherException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
