package io.tether.core;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * No WebSocket connection could be opened: the TCP connection was refused or timed out, the host
 * name did not resolve, TLS failed, or the handshake timed out or was malformed. {@link #kind()}
 * says which; the cause, when there is one, is the transport's own exception.
 */
public final class ConnectFailedException extends TetherException {

    /** Why the connection could not be opened. */
    public enum Kind {
        /** Nothing listens there (TCP RST to the SYN). */
        REFUSED,
        /** No answer in time: to the TCP connect, or to the upgrade request. */
        TIMED_OUT,
        /** The host name did not resolve. */
        UNKNOWN_HOST,
        /** The TLS handshake failed (certificate, protocol, cipher). */
        TLS,
        /**
         * The HTTP upgrade went wrong: a malformed answer, a subprotocol or extension not offered,
         * the connection closed during it.
         */
        HANDSHAKE
    }

    private final Kind kind;

    /** A failure whose kind is read from {@code cause} (a timeout, refusal, DNS or TLS exception), else {@link Kind#HANDSHAKE}. */
    public ConnectFailedException(String message, Throwable cause) {
        this(kindOf(cause), message, cause);
    }

    /** A handshake failure without an underlying exception. */
    public ConnectFailedException(String message) {
        this(Kind.HANDSHAKE, message, null);
    }

    public ConnectFailedException(Kind kind, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    private static Kind kindOf(@Nullable Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return Kind.TLS;
            }
            if (t instanceof UnknownHostException) {
                return Kind.UNKNOWN_HOST;
            }
            // Netty's ConnectTimeoutException extends ConnectException: check the name first.
            if (t instanceof SocketTimeoutException || t.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return Kind.TIMED_OUT;
            }
            if (t instanceof ConnectException) {
                return Kind.REFUSED;
            }
        }
        return Kind.HANDSHAKE;
    }
}
