package io.tether.core.reconnect;

import static io.tether.core.Durations.requirePositive;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how long to retry after a connection is lost. Immutable; build with {@link #builder()}.
 *
 * @param enabled false: a lost connection is final
 * @param backoff delay formula; default decorrelated jitter, base 250 ms, cap 30 s
 * @param maxAttempts retries per outage before giving up; 0 for no limit (the default)
 * @param maxElapsed time per outage (from the loss of the last working connection) after which no
 *     further retry starts; zero for no limit (default)
 * @param resetAfter a new connection that stays up this long counts as working even if nothing
 *     arrived on it (default 2 s). An outage — and with it the attempt count, the elapsed time and the
 *     backoff sequence — ends when a connection works: as soon as anything arrives from the server
 *     after it opened (tether.v1: any frame after the WELCOME), or after this long. A server that
 *     accepts and drops at once never works, so its delays keep growing within one outage.
 * @param retryAfterJitter when the server gives a retry-after hint {@code h}, the client waits
 *     {@code h + U[0, h × retryAfterJitter]} (at least), so a crowd told the same {@code h} spreads out
 * @param classifier decides what is worth retrying
 * @param retryFirstConnect whether a failing first connection is retried too (default), or final —
 *     as for a command-line tool that should say at once that the server is not there
 */
public record ReconnectPolicy(boolean enabled, Backoff backoff, int maxAttempts, Duration maxElapsed,
        Duration resetAfter, double retryAfterJitter, RetryClassifier classifier, boolean retryFirstConnect) {

    public static final Duration DEFAULT_RESET_AFTER = Duration.ofSeconds(2);
    public static final double DEFAULT_RETRY_AFTER_JITTER = 0.5;
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(true, Backoff.DEFAULT, 0, Duration.ZERO,
            DEFAULT_RESET_AFTER, DEFAULT_RETRY_AFTER_JITTER, RetryClassifier.DEFAULT, true);
    public static final ReconnectPolicy DISABLED = DEFAULT.toBuilder().enabled(false).build();

    public ReconnectPolicy {
        Objects.requireNonNull(backoff, "backoff");
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative (0 = no limit), was " + maxAttempts);
        }
        Objects.requireNonNull(maxElapsed, "maxElapsed");
        if (maxElapsed.isNegative()) {
            throw new IllegalArgumentException("maxElapsed must not be negative (0 = no limit), was " + maxElapsed);
        }
        requirePositive(resetAfter, "resetAfter");
        if (!(retryAfterJitter >= 0 && retryAfterJitter <= 10)) {
            throw new IllegalArgumentException("retryAfterJitter must be between 0 and 10, was " + retryAfterJitter);
        }
        Objects.requireNonNull(classifier, "classifier");
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private boolean enabled;
        private Backoff backoff;
        private int maxAttempts;
        private Duration maxElapsed;
        private Duration resetAfter;
        private double retryAfterJitter;
        private RetryClassifier classifier;
        private boolean retryFirstConnect;

        private Builder(ReconnectPolicy from) {
            enabled = from.enabled;
            backoff = from.backoff;
            maxAttempts = from.maxAttempts;
            maxElapsed = from.maxElapsed;
            resetAfter = from.resetAfter;
            retryAfterJitter = from.retryAfterJitter;
            classifier = from.classifier;
            retryFirstConnect = from.retryFirstConnect;
        }

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public Builder backoff(Backoff value) {
            backoff = value;
            return this;
        }

        public Builder maxAttempts(int value) {
            maxAttempts = value;
            return this;
        }

        public Builder maxElapsed(Duration value) {
            maxElapsed = value;
            return this;
        }

        public Builder resetAfter(Duration value) {
            resetAfter = value;
            return this;
        }

        public Builder retryAfterJitter(double value) {
            retryAfterJitter = value;
            return this;
        }

        public Builder classifier(RetryClassifier value) {
            classifier = value;
            return this;
        }

        public Builder retryFirstConnect(boolean value) {
            retryFirstConnect = value;
            return this;
        }

        public ReconnectPolicy build() {
            return new ReconnectPolicy(enabled, backoff, maxAttempts, maxElapsed, resetAfter, retryAfterJitter,
                    classifier, retryFirstConnect);
        }
    }
}
