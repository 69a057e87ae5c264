package io.tether.core.internal.reconnect;

import io.tether.core.reconnect.ReconnectPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The delays of one outage: attempt 1, 2, 3, ... of {@link ReconnectPolicy#backoff()}, each fed
 * the previous delay (attempt 2 is fed none: it draws like attempt 1), until a limit is reached. Create a fresh one when a connection that worked is
 * lost (see {@link ReconnectPolicy#resetAfter()}); keep using the same one while attempts fail or
 * connections drop before they work. Not thread-safe: owned by the reconnect loop's thread.
 */
public final class BackoffSequence {
    private final ReconnectPolicy policy;
    private final RandomGenerator random;
    private final long startNanos;
    private int attempts;
    private Duration previous = Duration.ZERO;

    /**
     * @param startNanos when the outage began, on the caller's ticker
     */
    public BackoffSequence(ReconnectPolicy policy, RandomGenerator random, long startNanos) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
        this.startNanos = startNanos;
    }

    /**
     * The delay before the next attempt, or empty when the policy's attempt or time limit is
     * reached. With a {@code minDelay} (a server hint) the delay is at least
     * {@code minDelay + U[0, minDelay × retryAfterJitter]}.
     */
    public Optional<Duration> next(long nowNanos, Duration minDelay) {
        if (policy.maxAttempts() > 0 && attempts >= policy.maxAttempts()) {
            return Optional.empty();
        }
        if (!policy.maxElapsed().isZero() && nowNanos - startNanos >= policy.maxElapsed().toNanos()) {
            return Optional.empty();
        }
        attempts++;
        // Attempt 2 is fed no previous delay, so it draws from attempt 1's range: the first retry of
        // an outage often lands in the tail of the fault that caused it (a blackhole not over yet, a
        // server still starting), and its failure says little. Growth starts with attempt 3.
        Duration fed = attempts == 2 ? Duration.ZERO : previous;
        Duration delay = policy.backoff().next(attempts, fed, random);
        if (!minDelay.isZero()) {
            long spread = (long) (minDelay.toNanos() * policy.retryAfterJitter() * random.nextDouble());
            Duration hinted = minDelay.plusNanos(spread);
            delay = hinted.compareTo(delay) > 0 ? hinted : delay;
        }
        previous = delay;
        return Optional.of(delay);
    }

    /** Attempts handed out so far. */
    public int attempts() {
        return attempts;
    }

    /** How long this outage has lasted at {@code nowNanos}. */
    public Duration elapsed(long nowNanos) {
        return Duration.ofNanos(nowNanos - startNanos);
    }
}
