package io.tether.client;

import io.tether.core.CloseCodes;
import io.tether.core.WebSocketConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket that reconnects by itself: one logical connection to {@link #uri()} across any number
 * of TCP connections, driven by the client's {@link io.tether.core.reconnect.ReconnectPolicy}.
 * While it is not open, sends go to a bounded outbox and are flushed, in order, when it is.
 * All methods are thread-safe and never block; sends never throw.
 *
 * <p>Plain WebSocket mode cannot know what the server received before a connection dropped: a
 * message whose stage completed was written to the socket, not necessarily delivered. With
 * {@link ClientConfig#resumable()} and a server that speaks {@code tether.v1}, the socket runs a
 * session instead: every message is delivered exactly once and in order in both directions across
 * reconnects, and a send's stage completes when the server has acknowledged it.
 */
public sealed interface TetherSocket permits io.tether.client.internal.ReconnectingSocket {

    URI uri();

    SocketState state();

    /**
     * Sends now when open, else queues in the outbox (or fails, per the outbox settings). The
     * stage completes when the message is written to an open connection, fails with
     * {@link io.tether.core.BackpressureException} (outbox full), {@link io.tether.core.MessageExpiredException}
     * or {@link io.tether.core.ConnectionClosedException} (socket closed).
     */
    default CompletionStage<Void> sendText(CharSequence text) {
        return sendText(text, null);
    }

    /** As {@link #sendText(CharSequence)}, failing instead of sending when still queued after {@code expireAfter}. */
    CompletionStage<Void> sendText(CharSequence text, @Nullable Duration expireAfter);

    default CompletionStage<Void> sendBinary(byte[] data) {
        return sendBinary(data, null);
    }

    /** Binary counterpart of {@link #sendText(CharSequence, Duration)}; the array is copied. */
    CompletionStage<Void> sendBinary(byte[] data, @Nullable Duration expireAfter);

    /** Skips the current backoff wait and attempts at once (e.g. when the OS reports the network back). */
    void reconnectNow();

    /**
     * Closes for good: stops reconnecting, sends Close with {@code code} and {@code reason} if
     * connected, fails what is left in the outbox. Works from any thread, also from a callback.
     * The stage completes when the socket is CLOSED.
     */
    CompletionStage<Void> close(int code, String reason);

    default CompletionStage<Void> close() {
        return close(CloseCodes.NORMAL, "");
    }

    /** The current connection, while OPEN. */
    Optional<WebSocketConnection> connection();

    /** The {@code tether.v1} session id, once the server welcomed one; empty in plain mode. */
    Optional<String> sessionId();

    /** Counters of the current {@code tether.v1} session; empty in plain mode. */
    Optional<io.tether.core.session.SessionStats> sessionStats();

    /** Completes when the socket is CLOSED. */
    CompletionStage<Void> closeFuture();
}
