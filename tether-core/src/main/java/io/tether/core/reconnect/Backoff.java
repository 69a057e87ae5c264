package io.tether.core.reconnect;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * A backoff policy: a pure function of the retry number, the previous delay and a source of
 * randomness. The implementations are named after their formulas, as in the AWS Architecture Blog
 * article "Exponential Backoff and Jitter" (Brooker, 2015).
 */
@FunctionalInterface
public interface Backoff {

    /**
     * The delay before retry number {@code attempt}.
     *
     * @param attempt 1 for the first retry of an outage, 2 for the second, ...
     * @param previous the delay this function returned for the previous attempt, or
     *     {@link Duration#ZERO} for attempts 1 and 2 (a socket's second attempt draws like its
     *     first: docs/reconnection.md)
     * @param random source of jitter; implementations draw from it at most once per call
     * @return a delay, never negative
     */
    Duration next(int attempt, Duration previous, RandomGenerator random);

    /** {@code delay}, always. */
    static Backoff constant(Duration delay) {
        return new ConstantBackoff(delay);
    }

    /** {@code min(cap, base × 2^(attempt−1))}, no jitter: every client retries in lockstep. */
    static Backoff exponential(Duration base, Duration cap) {
        return new ExponentialBackoff(base, cap, 2.0);
    }

    /** {@code U[0, min(cap, base × 2^(attempt−1))]}. */
    static Backoff fullJitter(Duration base, Duration cap) {
        return new FullJitterBackoff(base, cap, 2.0);
    }

    /** {@code t/2 + U[0, t/2]} with {@code t = min(cap, base × 2^(attempt−1))}. */
    static Backoff equalJitter(Duration base, Duration cap) {
        return new EqualJitterBackoff(base, cap, 2.0);
    }

    /** {@code min(cap, U[base, previous × 3])}, previous starting at base. */
    static Backoff decorrelatedJitter(Duration base, Duration cap) {
        return new DecorrelatedJitterBackoff(base, cap, 3.0);
    }

    /** The default first and smallest delay. */
    Duration DEFAULT_BASE = Duration.ofMillis(250);

    /** The default largest delay. */
    Duration DEFAULT_CAP = Duration.ofSeconds(30);

    /** Tether's default: decorrelated jitter, base 250 ms, cap 30 s (first retry of an outage after 250–750 ms). */
    Backoff DEFAULT = decorrelatedJitter(DEFAULT_BASE, DEFAULT_CAP);

    /** The formulas above by name, for configuration (a command line, a properties file). */
    enum Formula {
        /** {@link #decorrelatedJitter}. */
        DECORRELATED,
        /** {@link #fullJitter}. */
        FULL,
        /** {@link #equalJitter}. */
        EQUAL,
        /** {@link #exponential}. */
        EXPONENTIAL,
        /** {@link #constant}, at {@code base} ({@code cap} is not used). */
        CONSTANT;

        /** This formula's backoff with these bounds. */
        public Backoff create(Duration base, Duration cap) {
            return switch (this) {
                case DECORRELATED -> decorrelatedJitter(base, cap);
                case FULL -> fullJitter(base, cap);
                case EQUAL -> equalJitter(base, cap);
                case EXPONENTIAL -> exponential(base, cap);
                case CONSTANT -> constant(base);
            };
        }
    }
}
