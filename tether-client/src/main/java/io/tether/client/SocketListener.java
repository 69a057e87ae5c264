package io.tether.client;

/**
 * Events of a {@link TetherSocket}. Callbacks run on the socket's event loop, one at a time and in
 * order; do not block in them. Exceptions they throw are logged and ignored. {@link #onClosed} is
 * called exactly once and is the last call.
 */
public interface SocketListener {

    /** The first connection opened. */
    default void onOpen(TetherSocket socket) {
    }

    default void onText(TetherSocket socket, String text) {
    }

    default void onBinary(TetherSocket socket, byte[] data) {
    }

    /** The connection was lost or an attempt failed; {@code info} says whether and when it retries. */
    default void onDisconnected(TetherSocket socket, Disconnect info) {
    }

    /** Attempt number {@code attempt} of this outage starts now. */
    default void onReconnecting(TetherSocket socket, int attempt) {
    }

    /** A connection opened again after {@code attempts} attempts; the outbox is being flushed. */
    default void onReconnected(TetherSocket socket, int attempts) {
    }

    /**
     * ({@code tether.v1}) The session continued on the new connection: nothing was lost, nothing
     * will be duplicated. Called after {@link #onReconnected}.
     */
    default void onResumed(TetherSocket socket) {
    }

    /**
     * ({@code tether.v1}) The server could not continue the session (it expired, or the server
     * restarted) and started a new one. {@code reason.undelivered()} lists this side's messages it
     * never acknowledged — their stages failed with {@link io.tether.core.NotDeliveredException}.
     * Messages the server had sent and this side never received are lost with the old session: the
     * application must resync.
     */
    default void onSessionReset(TetherSocket socket, io.tether.core.SessionExpiredException reason) {
    }

    /**
     * Final: the socket is closed. {@code cause} is null after {@code close()}; otherwise it is the
     * failure that was not retried, or {@link io.tether.core.reconnect.ReconnectFailedException}.
     */
    default void onClosed(TetherSocket socket, int code, String reason, @org.jspecify.annotations.Nullable Throwable cause) {
    }
}
