package io.tether.netty.internal;

/**
 * Life of one connection after its opening handshake.
 *
 * <pre>
 *  OPEN ──close()──────────► CLOSE_SENT ──peer's Close / timeout──► CLOSED
 *   │                                                                ▲
 *   ├──peer's Close (echoed)──► CLOSE_RECEIVED ──TCP closed──────────┤
 *   └──protocol error / heartbeat timeout / TCP lost─────────────────┘
 * </pre>
 */
enum ConnectionState {
    /** Data may be sent and is delivered. */
    OPEN,
    /** This side sent a Close frame; waiting for the peer's Close, then the TCP close. */
    CLOSE_SENT,
    /** The peer sent a Close frame and this side echoed it; the TCP connection is closing. */
    CLOSE_RECEIVED,
    /** The TCP connection is closed; the terminal callback has run. */
    CLOSED
}
