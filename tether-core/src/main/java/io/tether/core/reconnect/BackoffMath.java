package io.tether.core.reconnect;

import static io.tether.core.Durations.requirePositive;

import java.time.Duration;

/** Shared arithmetic and validation of the exponential formulas, in nanoseconds. */
final class BackoffMath {
    private BackoffMath() {
    }

    static void validate(Duration base, Duration cap, double multiplier) {
        requirePositive(base, "backoff base");
        requirePositive(cap, "backoff cap");
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff cap (" + cap + ") must be at least the base (" + base + ")");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be at least 1, was " + multiplier);
        }
    }

    /** {@code min(cap, base × multiplier^(attempt−1))} in nanoseconds, without overflow. */
    static double ceiling(Duration base, Duration cap, double multiplier, int attempt) {
        double grown = base.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Math.min(cap.toNanos(), grown);
    }

    /** A uniform draw from [low, high] nanoseconds (inclusive of low; high when equal). */
    static Duration uniform(double low, double high, java.util.random.RandomGenerator random) {
        return Duration.ofNanos((long) (low + (high - low) * random.nextDouble()));
    }
}
