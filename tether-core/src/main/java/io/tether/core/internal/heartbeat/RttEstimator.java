package io.tether.core.internal.heartbeat;

import io.tether.core.RoundTripTime;
import java.time.Duration;
import java.util.Optional;

/**
 * Keeps the last and the smoothed round-trip time. Written by one thread (the connection's event
 * loop), read by any: the two values are published together through one immutable snapshot.
 */
public final class RttEstimator {
    private volatile RoundTripTime snapshot;
    private long smoothedNanos = -1;

    /** Adds one sample, in nanoseconds; negative samples are a caller bug. */
    public void record(long sampleNanos) {
        if (sampleNanos < 0) {
            throw new IllegalArgumentException("rtt sample must not be negative: " + sampleNanos);
        }
        // RFC 6298 2.2/2.3: the first sample is taken as is, later ones with gain 1/8.
        smoothedNanos = smoothedNanos < 0 ? sampleNanos : smoothedNanos + (sampleNanos - smoothedNanos) / 8;
        snapshot = new RoundTripTime(Duration.ofNanos(sampleNanos), Duration.ofNanos(smoothedNanos));
    }

    /** The current values, or empty before the first sample. */
    public Optional<RoundTripTime> current() {
        return Optional.ofNullable(snapshot);
    }
}
