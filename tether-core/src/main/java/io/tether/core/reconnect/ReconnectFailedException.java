package io.tether.core.reconnect;

import io.tether.core.TetherException;
import java.time.Duration;

/** The reconnect loop gave up: the policy's attempt or time limit was reached. The cause is the last failure. */
public final class ReconnectFailedException extends TetherException {
    private final int attempts;
    private final Duration elapsed;

    public ReconnectFailedException(int attempts, Duration elapsed, Throwable lastCause) {
        super("gave up reconnecting after " + attempts + " attempts in " + elapsed.toMillis() + " ms; last error: "
                + lastCause.getMessage(), lastCause);
        this.attempts = attempts;
        this.elapsed = elapsed;
    }

    public int attempts() {
        return attempts;
    }

    public Duration elapsed() {
        return elapsed;
    }
}
