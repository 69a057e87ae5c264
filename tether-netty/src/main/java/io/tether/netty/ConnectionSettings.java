package io.tether.netty;

import io.tether.core.heartbeat.HeartbeatConfig;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * What the frame pipeline of one connection needs, whichever side it is on.
 *
 * @param client true on the client side: wait for the server to close TCP after the close handshake
 * @param maxMessageSize largest message after joining fragments, in bytes (1009 beyond it)
 * @param closeTimeout how long to wait for the peer's side of the close handshake
 * @param heartbeat heartbeat settings
 * @param random jitter source for heartbeats
 */
public record ConnectionSettings(boolean client, int maxMessageSize, Duration closeTimeout,
        HeartbeatConfig heartbeat, RandomGenerator random) {
}
