package io.tether.core.reconnect;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** {@code U[0, min(cap, base × multiplier^(attempt−1))]} ("Full Jitter"). */
public record FullJitterBackoff(Duration base, Duration cap, double multiplier) implements Backoff {
    public FullJitterBackoff {
        BackoffMath.validate(base, cap, multiplier);
    }

    @Override
    public Duration next(int attempt, Duration previous, RandomGenerator random) {
        return BackoffMath.uniform(0, BackoffMath.ceiling(base, cap, multiplier, attempt), random);
    }
}
