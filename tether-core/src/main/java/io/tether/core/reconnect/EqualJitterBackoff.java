package io.tether.core.reconnect;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** {@code t/2 + U[0, t/2]} with {@code t = min(cap, base × multiplier^(attempt−1))} ("Equal Jitter"). */
public record EqualJitterBackoff(Duration base, Duration cap, double multiplier) implements Backoff {
    public EqualJitterBackoff {
        BackoffMath.validate(base, cap, multiplier);
    }

    @Override
    public Duration next(int attempt, Duration previous, RandomGenerator random) {
        double t = BackoffMath.ceiling(base, cap, multiplier, attempt);
        return BackoffMath.uniform(t / 2, t, random);
    }
}
