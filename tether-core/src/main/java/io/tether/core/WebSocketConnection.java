package io.tether.core;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One open WebSocket connection, on either side. All methods are thread-safe and none blocks or
 * throws for a closed connection: sends return a stage that fails with
 * {@link ConnectionClosedException} instead.
 *
 * <p>Sealed: connections are made by Tether's transport, never by applications (tests included:
 * run a server and a client on 127.0.0.1, or use the test kit's raw WebSocket peer).
 */
public sealed interface WebSocketConnection permits io.tether.core.internal.transport.TransportConnection {

    /** A short id, unique within this process, for logs. */
    String id();

    /** The peer's address. */
    SocketAddress remoteAddress();

    /** The path of the upgrade request (the server endpoint's path, or the client URI's path). */
    String path();

    /** The negotiated subprotocol, or null when none was agreed. */
    @Nullable String subprotocol();

    /**
     * The opening handshake: on the server the upgrade request received, on the client the request
     * sent; both with the selected subprotocol and this connection's remote address. Its path and
     * subprotocol are those of {@link #path()} and {@link #subprotocol()}. Tether's connections
     * return the real one; the default, for other implementations (test doubles), builds one with
     * just the path, remote address and subprotocol, on each call.
     */
    default HandshakeRequest handshake() {
        return HandshakeRequest.builder().path(path()).remoteAddress(remoteAddress()).subprotocol(subprotocol())
                .build();
    }

    /**
     * What the server's handshake gate attached when it accepted this connection (for example the
     * authenticated principal); unmodifiable, empty when it attached nothing and on the client.
     */
    default Map<String, Object> attributes() {
        return Map.of();
    }

    /**
     * Who the server's authenticator found the client to be (see {@code ServerConfig.authenticator});
     * empty for an anonymous connection and on the client.
     */
    default Optional<Principal> principal() {
        return Optional.empty();
    }

    /** True until a close frame was sent or received, or the connection dropped. */
    boolean isOpen();

    /**
     * Sends a text message. The stage completes when the frame is written to the socket (not when
     * the peer has it), and fails with {@link ConnectionClosedException} if the connection closed
     * first.
     */
    CompletionStage<Void> sendText(CharSequence text);

    /** Sends a binary message; the array is copied before this returns. Same promise as {@link #sendText}. */
    CompletionStage<Void> sendBinary(byte[] data);

    /**
     * Sends the remaining bytes of {@code data} as one binary message; they are copied before this
     * returns and the buffer's position is left as it was. Same promise as {@link #sendText}. Lets a
     * protocol layer forward a message it received as a view of transport memory with a single
     * copy; the default goes through an array.
     */
    default CompletionStage<Void> sendBinary(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return sendBinary(copy);
    }

    /**
     * Starts the closing handshake with {@code code} (must be sendable, see
     * {@link CloseCodes#isSendable}) and {@code reason} (at most 123 UTF-8 bytes). The stage
     * completes when the TCP connection is closed: after the peer's close frame, or after the
     * configured close timeout. Calling it again, or on a closed connection, returns the same stage.
     *
     * @throws IllegalArgumentException when the code may not be sent or the reason is too long
     */
    CompletionStage<Void> close(int code, String reason);

    /** Closes with 1000 and an empty reason. */
    default CompletionStage<Void> close() {
        return close(CloseCodes.NORMAL, "");
    }

    /**
     * Completes when the TCP connection is closed, after the terminal listener callback; never
     * fails.
     */
    CompletionStage<Void> closeFuture();

    /** Round-trip time measured by the heartbeat's ping/pong, once at least one pong came back. */
    Optional<RoundTripTime> roundTripTime();
}
