package io.tether.netty.internal;

/**
 * What the frame pipeline reports for metrics, per connection event: one implementation shared by
 * all connections of a server or client. Called on the connection's event loop, once per WebSocket
 * message and per heartbeat pong, so implementations only add to counters: no allocation, no lock,
 * nothing that blocks.
 */
public interface TransportMeter {
    /** Meters nothing. */
    TransportMeter NONE = new TransportMeter() {
    };

    /** A data message (text or binary, after joining fragments) was taken from the peer. */
    default void messageReceived() {
    }

    /** A data message (text or binary) was handed to the transport for the peer. */
    default void messageSent() {
    }

    /** A heartbeat pong answered our latest ping after {@code nanos} nanoseconds. */
    default void heartbeatRoundTrip(long nanos) {
    }
}
