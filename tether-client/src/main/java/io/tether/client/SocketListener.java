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

    /**
     * ({@code tether.v1}) As {@link #onText(TetherSocket, String)}, with how it arrived: override
     * this one to see {@link io.tether.core.session.Delivery#possibleDuplicate()}. The default calls
     * {@link #onText(TetherSocket, String)}. Plain mode calls only the two-argument form.
     */
    default void onText(TetherSocket socket, String text, io.tether.core.session.Delivery delivery) {
        onText(socket, text);
    }

    /** Binary counterpart of {@link #onText(TetherSocket, String, io.tether.core.session.Delivery)}. */
    default void onBinary(TetherSocket socket, byte[] data, io.tether.core.session.Delivery delivery) {
        onBinary(socket, data);
    }

    /** The connection was lost or an attempt failed; {@code info} says whether and when it retries. */
    default void onDisconnected(TetherSocket socket, Disconnect info) {
    }

    /** Attempt number {@code attempt} of this outage starts now. */
    default void onReconnecting(TetherSocket socket, int attempt) {
    }

    /**
     * A connection opened again after {@code attempts} attempts of this outage. For {@code tether.v1}
     * it comes after the WELCOME and is followed by {@link #onResumed} or {@link #onSessionReset};
     * the outbox is flushed after those callbacks return, and sends made in them queue behind it.
     */
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
     * restarted) and started a new one; called after {@link #onReconnected} (or {@link #onOpen}).
     * {@code reason.unacknowledged()} lists this side's messages the server never acknowledged, each
     * with its fate: those never written to any connection were carried into the new session (ahead
     * of later sends; their stages stay pending); those written but unacknowledged are in doubt —
     * failed with {@link io.tether.core.InDoubtException} by default, or resent flagged as possible
     * duplicates with {@link io.tether.core.session.SessionConfig.InDoubt#RESEND}. Messages the server
     * had sent and this side never received are lost with the old session: the application must resync.
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
