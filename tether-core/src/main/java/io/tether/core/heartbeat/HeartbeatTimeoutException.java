package io.tether.core.heartbeat;

import io.tether.core.RoundTripTime;
import io.tether.core.TetherException;
import java.time.Duration;
import java.util.Optional;

/**
 * The heartbeat declared the peer dead: nothing was heard from it for {@link #silence()}, which
 * reached the detection limit {@link #limit()}. The connection has been closed.
 */
public final class HeartbeatTimeoutException extends TetherException {
    private final Duration silence;
    private final Duration limit;
    private final long pingsSent;
    private final long pongsReceived;
    private final transient Optional<RoundTripTime> lastRtt;

    public HeartbeatTimeoutException(Duration silence, Duration limit, String rule, long pingsSent,
            long pongsReceived, Optional<RoundTripTime> lastRtt) {
        super(String.format("heartbeat timeout: nothing heard from the peer for %d ms (limit %d ms, %s); "
                        + "%d pings sent, %d pongs received, last rtt %s",
                silence.toMillis(), limit.toMillis(), rule, pingsSent, pongsReceived,
                lastRtt.map(r -> String.format("%.1f ms", r.last().toNanos() / 1e6)).orElse("unknown")));
        this.silence = silence;
        this.limit = limit;
        this.pingsSent = pingsSent;
        this.pongsReceived = pongsReceived;
        this.lastRtt = lastRtt;
    }

    /** How long nothing had arrived when the peer was declared dead. */
    public Duration silence() {
        return silence;
    }

    /** The detection limit in force at that moment. */
    public Duration limit() {
        return limit;
    }

    /** Pings this side sent on the connection. */
    public long pingsSent() {
        return pingsSent;
    }

    /** Pongs that answered them. */
    public long pongsReceived() {
        return pongsReceived;
    }

    /** The round-trip time known when the peer was declared dead. */
    public Optional<RoundTripTime> lastRoundTripTime() {
        return lastRtt;
    }
}
