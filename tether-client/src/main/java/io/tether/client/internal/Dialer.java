package io.tether.client.internal;

import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import java.util.concurrent.CompletionStage;

/**
 * Opens one connection to the socket's server: the seam between the reconnect loop and the
 * transport, so the loop runs in virtual time in tests.
 */
@FunctionalInterface
interface Dialer {

    /**
     * Starts one connection attempt. The stage completes after {@code listener.onOpen}, or fails
     * with a Tether exception ({@link io.tether.core.ConnectFailedException},
     * {@link io.tether.core.HandshakeRejectedException}); the listener hears the rest of the
     * connection's life. Callbacks and completion run on the socket's scheduler thread.
     *
     * @param offerSessions whether to offer the {@code tether.v1} subprotocol first
     * @param credentialsRejected whether the previous attempt was refused with 401, so the
     *     credentials must be fetched afresh
     */
    CompletionStage<WebSocketConnection> dial(WebSocketListener listener, boolean offerSessions,
            boolean credentialsRejected);
}
