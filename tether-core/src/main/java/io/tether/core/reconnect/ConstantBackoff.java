package io.tether.core.reconnect;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** Always {@code delay}. */
public record ConstantBackoff(Duration delay) implements Backoff {
    public ConstantBackoff {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("backoff delay must not be negative, was " + delay);
        }
    }

    @Override
    public Duration next(int attempt, Duration previous, RandomGenerator random) {
        return delay;
    }
}
