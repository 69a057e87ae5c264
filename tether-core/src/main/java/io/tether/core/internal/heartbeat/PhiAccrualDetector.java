package io.tether.core.internal.heartbeat;

import io.tether.core.heartbeat.PhiAccrualConfig;
import java.util.Objects;

/**
 * Phi-accrual suspicion level over a window of delay samples (Hayashibara et al., "The phi accrual
 * failure detector", 2004), with the logistic approximation of the normal CDF that Akka uses.
 *
 * <p>phi(t) = -log10(P(a delay longer than t)) under a normal distribution fitted to the recent
 * samples; its mean is shifted by the acceptable pause and its deviation floored at the configured
 * minimum. Because phi grows monotonically with t, the moment it crosses the threshold is a fixed
 * number of standard deviations above the mean; {@link #suspicionDelayNanos} returns that moment
 * so a caller can set one timer instead of polling.
 *
 * <p>Not thread-safe: owned by one connection's event loop. No allocation after construction.
 */
public final class PhiAccrualDetector {
    private final PhiAccrualConfig config;
    private final long[] samples;
    private final double minStdNanos;
    private final double pauseNanos;
    /** Standard scores at which phi equals the threshold; depends only on the threshold. */
    private final double thresholdScore;
    private int count;
    private int next;
    private double sum;
    private double sumOfSquares;

    public PhiAccrualDetector(PhiAccrualConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.samples = new long[config.maxSampleSize()];
        this.minStdNanos = config.minStdDeviation().toNanos();
        this.pauseNanos = config.acceptablePause().toNanos();
        this.thresholdScore = scoreAt(config.threshold());
    }

    /** Adds one delay sample (e.g. a ping's round trip, or an interval between heartbeats). */
    public void addSample(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("sample must not be negative: " + nanos);
        }
        if (count == samples.length) {
            long evicted = samples[next];
            sum -= evicted;
            sumOfSquares -= (double) evicted * evicted;
        } else {
            count++;
        }
        samples[next] = nanos;
        next = (next + 1) % samples.length;
        sum += nanos;
        sumOfSquares += (double) nanos * nanos;
    }

    /** Number of samples currently in the window. */
    public int sampleCount() {
        return count;
    }

    /** The suspicion level after {@code elapsedNanos} without news; 0 when there are no samples yet. */
    public double phi(long elapsedNanos) {
        if (count == 0) {
            return 0.0;
        }
        return phi(elapsedNanos, mean(), std());
    }

    /** Whether phi at {@code elapsedNanos} has reached the configured threshold. */
    public boolean isSuspected(long elapsedNanos) {
        return phi(elapsedNanos) >= config.threshold();
    }

    /**
     * How long after the last news phi reaches the threshold, in nanoseconds, or
     * {@code withoutSamples} while the window is empty.
     */
    public long suspicionDelayNanos(long withoutSamples) {
        if (count == 0) {
            return withoutSamples;
        }
        return (long) Math.ceil(mean() + thresholdScore * std());
    }

    private double mean() {
        return sum / count + pauseNanos;
    }

    private double std() {
        double m = sum / count;
        double variance = Math.max(0.0, sumOfSquares / count - m * m);
        return Math.max(Math.sqrt(variance), minStdNanos);
    }

    static double phi(double elapsed, double mean, double std) {
        double y = (elapsed - mean) / std;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        return elapsed > mean ? -Math.log10(e / (1.0 + e)) : -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    /** The standard score y at which phi(y) equals {@code threshold}, found by bisection. */
    static double scoreAt(double threshold) {
        double low = 0.0;
        double high = 1.0;
        while (phi(high, 0.0, 1.0) < threshold) {
            high *= 2;
        }
        for (int i = 0; i < 100; i++) {
            double mid = (low + high) / 2;
            if (phi(mid, 0.0, 1.0) < threshold) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return high;
    }
}
