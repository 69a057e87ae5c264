package io.tether.core.internal.log;

import io.tether.core.internal.reconnect.TokenBucket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a kind of log line from filling the disk: at most {@code burst} lines at once and
 * {@code linesPerSecond} after that; the lines refused are counted, and the next line written says
 * how many were left out ({@link #admit}). A flapping client or a reconnect storm then costs a
 * summary, not a line per event. Times are nanoseconds of the caller's ticker, so it runs in
 * virtual time in tests. Thread-safe.
 */
public final class LogThrottle {
    /** What {@link #admit} answers for a line that must not be written. */
    public static final long SUPPRESS = -1;

    private final TokenBucket bucket;
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param linesPerSecond lines allowed per second once the burst is used (may be below 1)
     * @param burst lines allowed at once, at least 1
     * @param nowNanos the start (the bucket starts full)
     */
    public LogThrottle(double linesPerSecond, int burst, long nowNanos) {
        this.bucket = new TokenBucket(linesPerSecond, burst, nowNanos);
    }

    /**
     * Whether a line may be written at {@code nowNanos}: {@link #SUPPRESS} when not (the line is
     * counted as left out), otherwise how many lines were left out since the last one written (0
     * usually), which the caller should say in the line.
     */
    public long admit(long nowNanos) {
        if (bucket.tryAcquire(nowNanos) > 0) {
            suppressed.incrementAndGet();
            return SUPPRESS;
        }
        return suppressed.getAndSet(0);
    }
}
