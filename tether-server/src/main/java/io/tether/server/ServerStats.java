package io.tether.server;

/**
 * Counters since the server started, read at one moment.
 *
 * @param handshakesAccepted opening handshakes completed (connections opened)
 * @param handshakesRejected handshakes refused by admission control (503) or by a {@link HandshakeGate}
 *     (its status, or 500 when it threw)
 * @param openConnections connections open now
 */
public record ServerStats(long handshakesAccepted, long handshakesRejected, int openConnections) {
}
