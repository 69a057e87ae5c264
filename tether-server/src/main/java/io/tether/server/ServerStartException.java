package io.tether.server;

import io.tether.core.TetherException;

/** The server could not start, typically because the address was in use or not available. */
public final class ServerStartException extends TetherException {
    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
