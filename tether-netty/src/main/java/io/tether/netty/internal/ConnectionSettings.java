package io.tether.netty.internal;

import io.tether.core.heartbeat.HeartbeatConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * What the frame pipeline of one connection needs, whichever side it is on.
 *
 * @param client true on the client side: wait for the server to close TCP after the close handshake
 * @param maxMessageSize largest message after joining fragments, in bytes (1009 beyond it)
 * @param closeTimeout how long to wait for the peer's side of the close handshake
 * @param heartbeat heartbeat settings
 * @param random jitter source for heartbeats
 * @param onClosed called once per connection, on its event loop, when it has closed (after the
 *     listener's terminal call); one shared hook instead of a future listener per connection, which
 *     would cost an idle connection about 100 bytes
 * @param flow inbound message rate and outbound queue limits
 * @param meter where messages and heartbeat round trips are counted
 */
public record ConnectionSettings(boolean client, int maxMessageSize, Duration closeTimeout,
        HeartbeatConfig heartbeat, RandomGenerator random, Consumer<WebSocketConnectionHandler> onClosed,
        FlowLimits flow, TransportMeter meter) {

    public ConnectionSettings {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(onClosed, "onClosed");
        Objects.requireNonNull(flow, "flow");
    }

    /** Settings that meter nothing. */
    public ConnectionSettings(boolean client, int maxMessageSize, Duration closeTimeout, HeartbeatConfig heartbeat,
            RandomGenerator random, Consumer<WebSocketConnectionHandler> onClosed, FlowLimits flow) {
        this(client, maxMessageSize, closeTimeout, heartbeat, random, onClosed, flow, TransportMeter.NONE);
    }

    /** Settings with no flow limits. */
    public ConnectionSettings(boolean client, int maxMessageSize, Duration closeTimeout, HeartbeatConfig heartbeat,
            RandomGenerator random, Consumer<WebSocketConnectionHandler> onClosed) {
        this(client, maxMessageSize, closeTimeout, heartbeat, random, onClosed, FlowLimits.NONE);
    }

    /** Settings with no close hook. */
    public ConnectionSettings(boolean client, int maxMessageSize, Duration closeTimeout, HeartbeatConfig heartbeat,
            RandomGenerator random) {
        this(client, maxMessageSize, closeTimeout, heartbeat, random, connection -> { });
    }
}
