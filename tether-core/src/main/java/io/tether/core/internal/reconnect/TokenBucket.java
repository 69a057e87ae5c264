package io.tether.core.internal.reconnect;

/**
 * A token bucket — {@code ratePerSecond} tokens a second, at most {@code burst} stored, starting
 * full — kept as the generic cell rate algorithm (one "theoretical arrival time"), so the
 * arithmetic is exact in integer nanoseconds. Thread-safe (a server's event loops share one).
 * Times are nanoseconds from one ticker.
 */
public final class TokenBucket {
    private final long interval;
    private final long tolerance;
    private long theoreticalArrival;

    /**
     * @param nowNanos the start time; the bucket starts full
     */
    public TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("admission rate must be a positive number, was " + ratePerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("admission burst must be at least 1, was " + burst);
        }
        this.interval = Math.max(1, Math.round(1e9 / ratePerSecond));
        this.tolerance = (burst - 1) * interval;
        this.theoreticalArrival = nowNanos;
    }

    /**
     * Takes one token if there is one.
     *
     * @return 0 when a token was taken, otherwise the nanoseconds until one will be available
     */
    public synchronized long tryAcquire(long nowNanos) {
        long arrival = Math.max(theoreticalArrival, nowNanos);
        long early = arrival - nowNanos - tolerance;
        if (early > 0) {
            return early;
        }
        theoreticalArrival = arrival + interval;
        return 0;
    }

    /** Whether the bucket has refilled completely by {@code nowNanos} (it can then be dropped and made anew). */
    public synchronized boolean isFull(long nowNanos) {
        return theoreticalArrival <= nowNanos;
    }
}
