package io.tether.server;

/**
 * Counters since the server started, read at one moment.
 *
 * @param handshakesAccepted opening handshakes completed (connections opened)
 * @param handshakesRejected handshakes refused by admission control or a drain (503), or by a {@link HandshakeGate}
 *     (its status, or 500 when it threw)
 * @param openConnections connections open now
 * @param sessionsHeld {@code tether.v1} sessions this node holds (attached or waiting for a resume)
 * @param flaggedDeliveries client messages handed to the application flagged as possible
 *     duplicates: delivered again after a node that may have delivered them died, or resent by a
 *     client after a session reset ({@link io.tether.core.session.Delivery#possibleDuplicate()})
 */
public record ServerStats(long handshakesAccepted, long handshakesRejected, int openConnections, int sessionsHeld,
        long flaggedDeliveries) {
}
