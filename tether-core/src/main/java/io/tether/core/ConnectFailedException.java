package io.tether.core;

/**
 * No WebSocket connection could be opened: the TCP connection was refused or timed out, the host
 * name did not resolve, TLS failed, or the handshake timed out or was malformed. The cause says which.
 */
public final class ConnectFailedException extends TetherException {
    public ConnectFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public ConnectFailedException(String message) {
        super(message);
    }
}
