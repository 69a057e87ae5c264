package io.tether.core.reconnect;

import java.time.Duration;
import java.util.Objects;

/**
 * What to do about a lost or refused connection.
 *
 * @param retry whether to try again
 * @param minDelay wait at least this long (a server's retry-after hint); zero when there is none
 * @param why a few words for logs and events
 */
public record RetryDecision(boolean retry, Duration minDelay, String why) {
    public RetryDecision {
        Objects.requireNonNull(minDelay, "minDelay");
        Objects.requireNonNull(why, "why");
    }

    public static RetryDecision retry(String why) {
        return new RetryDecision(true, Duration.ZERO, why);
    }

    public static RetryDecision retryAfter(Duration atLeast, String why) {
        return new RetryDecision(true, atLeast, why);
    }

    public static RetryDecision giveUp(String why) {
        return new RetryDecision(false, Duration.ZERO, why);
    }
}
