package io.tether.core.reconnect;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** {@code min(cap, base × multiplier^(attempt−1))}: no jitter. */
public record ExponentialBackoff(Duration base, Duration cap, double multiplier) implements Backoff {
    public ExponentialBackoff {
        BackoffMath.validate(base, cap, multiplier);
    }

    @Override
    public Duration next(int attempt, Duration previous, RandomGenerator random) {
        return Duration.ofNanos((long) BackoffMath.ceiling(base, cap, multiplier, attempt));
    }
}
