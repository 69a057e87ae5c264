package io.tether.core.reconnect;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * {@code min(cap, U[base, previous × multiplier])}, previous starting at base ("Decorrelated
 * Jitter", multiplier 3 in the article). Each client's delays wander independently, so a crowd
 * that lost its server at the same instant spreads out within a few attempts.
 */
public record DecorrelatedJitterBackoff(Duration base, Duration cap, double multiplier) implements Backoff {
    public DecorrelatedJitterBackoff {
        BackoffMath.validate(base, cap, multiplier);
    }

    @Override
    public Duration next(int attempt, Duration previous, RandomGenerator random) {
        double low = base.toNanos();
        double prev = Math.max(low, previous.toNanos());
        double high = Math.max(low, prev * multiplier);
        Duration drawn = BackoffMath.uniform(low, high, random);
        return drawn.compareTo(cap) > 0 ? cap : drawn;
    }
}
