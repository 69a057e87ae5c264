package io.tether.core;

/**
 * An open connection failed at the transport: reset by the peer or a middlebox, broken pipe, a
 * TLS error after the handshake, or another I/O error. The cause is the transport's own exception
 * (on Linux with Netty's native transport, e.g. {@code NativeIoException} "recvAddress(..) failed:
 * Connection reset by peer"). Whatever was in flight may or may not have arrived.
 */
public final class ConnectionResetException extends TetherException {
    public ConnectionResetException(String message, Throwable cause) {
        super(message, cause);
    }
}
