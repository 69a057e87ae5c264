package io.tether.client.internal;

import io.tether.client.SocketState;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@link SocketState} of one socket, with the legal moves checked. Written only on the socket's
 * scheduler thread, read from any thread.
 *
 * <pre>
 *  CONNECTING ──open──► OPEN ──lost, retryable──► RECONNECTING ──open──► OPEN ...
 *      │ └─first attempt failed, retryable─► RECONNECTING (an attempt that fails stays there)
 *      │                 │
 *      │                 └──close()──► CLOSING ──► CLOSED
 *      └──not retryable / limits reached / close() without a connection ──► CLOSED
 * </pre>
 */
final class SocketStateMachine {
    private static final Map<SocketState, Set<SocketState>> MOVES = Map.of(
            SocketState.CONNECTING, EnumSet.of(SocketState.OPEN, SocketState.RECONNECTING, SocketState.CLOSING,
                    SocketState.CLOSED),
            SocketState.OPEN, EnumSet.of(SocketState.RECONNECTING, SocketState.CLOSING, SocketState.CLOSED),
            SocketState.RECONNECTING, EnumSet.of(SocketState.RECONNECTING, SocketState.OPEN, SocketState.CLOSING,
                    SocketState.CLOSED),
            SocketState.CLOSING, EnumSet.of(SocketState.CLOSED),
            SocketState.CLOSED, EnumSet.noneOf(SocketState.class));

    private volatile SocketState state = SocketState.CONNECTING;

    SocketState get() {
        return state;
    }

    /** Whether close() was called or the socket ended: nothing new may start. */
    boolean isEnding() {
        SocketState s = state;
        return s == SocketState.CLOSING || s == SocketState.CLOSED;
    }

    /**
     * Moves to {@code to}.
     *
     * @throws IllegalStateException for a move the diagram does not have: a bug in the loop
     */
    void moveTo(SocketState to) {
        SocketState from = state;
        if (!MOVES.get(from).contains(to)) {
            throw new IllegalStateException("socket state " + from + " cannot move to " + to);
        }
        state = to;
    }
}
