package io.tether.client.internal;

import io.tether.core.internal.reconnect.BackoffSequence;
import io.tether.core.reconnect.ReconnectFailedException;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.reconnect.RetryDecision;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Decides, for a socket, what follows a lost connection or a failed attempt: retry after which
 * delay, or give up and why. Keeps the current outage (see {@link ReconnectingSocket}): a fresh
 * backoff sequence when the lost connection had worked, the same one otherwise. Confined to the
 * socket's scheduler thread.
 */
final class RetryPlanner {

    /** What to do next. */
    sealed interface Plan permits Retry, GiveUp {
    }

    /** Attempt number {@code attempt} of this outage, after {@code delay}. */
    record Retry(Duration delay, int attempt, String why) implements Plan {
    }

    /**
     * No more attempts. {@code terminal} is what the socket closes with: the failure not retried,
     * or a {@link ReconnectFailedException} when a limit of the outage was reached; {@code why}
     * explains it, {@code closeReason} is the socket's close reason.
     */
    record GiveUp(Throwable terminal, String why, String closeReason, int attempts) implements Plan {
    }

    private final ReconnectPolicy policy;
    private final RandomGenerator random;
    private @Nullable BackoffSequence outage;

    RetryPlanner(ReconnectPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
    }

    /**
     * @param cause why the connection or attempt ended
     * @param connectionWorked whether it was a connection that worked (ends the previous outage)
     * @param everOpened whether the socket ever had a connection (else {@code retryFirstConnect} rules)
     * @param nowNanos the scheduler's time
     */
    Plan plan(Throwable cause, boolean connectionWorked, boolean everOpened, long nowNanos) {
        RetryDecision decision = policy.classifier().classify(cause);
        boolean mayRetry = policy.enabled() && (everOpened || policy.retryFirstConnect());
        if (!mayRetry || !decision.retry()) {
            String why = !policy.enabled() ? "reconnection disabled"
                    : !mayRetry ? "first connection failed" : decision.why();
            return new GiveUp(cause, why, why, 0);
        }
        if (connectionWorked || outage == null) {
            outage = new BackoffSequence(policy, random, nowNanos);
        }
        BackoffSequence seq = outage;
        Optional<Duration> delay = seq.next(nowNanos, decision.minDelay());
        if (delay.isEmpty()) {
            ReconnectFailedException gaveUp = new ReconnectFailedException(seq.attempts(), seq.elapsed(nowNanos), cause);
            return new GiveUp(gaveUp, String.valueOf(gaveUp.getMessage()), "gave up reconnecting", seq.attempts());
        }
        return new Retry(delay.get(), seq.attempts(), decision.why());
    }

    /** A connection worked: the outage is over. */
    void outageOver() {
        outage = null;
    }

    /** Attempts made in the current outage (0 when there is none). */
    int attempts() {
        return outage == null ? 0 : outage.attempts();
    }
}
