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
 *
 * <p>Delays run from the start of the attempt that failed, not from its failure (as in gRPC's
 * connection backoff): an attempt that hung for a while — made into a blackhole, say, and reset
 * when it ended — has already spent that part of its delay. Attempts still start at most once per
 * drawn delay, so the load on a server is what the backoff promises; only the dead time after a
 * slow failure goes. Only the time before an attempt opened counts (a connection that opened and
 * dropped keeps its full, jittered delay), and a server's retry hint is always waited in full.
 */
final class RetryPlanner {

    /** What to do next. */
    sealed interface Plan permits Retry, GiveUp {
    }

    /**
     * Attempt number {@code attempt} of this outage, {@code delay} from now; {@code backoff} is the
     * delay drawn, of which the failed attempt already spent {@code backoff - delay}.
     */
    record Retry(Duration delay, Duration backoff, int attempt, String why) implements Plan {
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
     * @param spentInAttemptNanos how long the attempt that ended took before it failed or opened
     *     (only used when its connection never worked)
     */
    Plan plan(Throwable cause, boolean connectionWorked, boolean everOpened, long nowNanos, long spentInAttemptNanos) {
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
        Duration drawn = delay.get();
        Duration wait = drawn;
        if (!connectionWorked && decision.minDelay().isZero()) {
            Duration spent = Duration.ofNanos(Math.max(0, spentInAttemptNanos));
            wait = spent.compareTo(drawn) >= 0 ? Duration.ZERO : drawn.minus(spent);
        }
        return new Retry(wait, drawn, seq.attempts(), decision.why());
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
