package io.tether.server.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tether.core.CloseCodes;
import io.tether.core.Principal;
import io.tether.netty.internal.WebSocketConnectionHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Closes a connection whose credentials expired, a grace after their expiry, with
 * {@link CloseCodes#CREDENTIALS_EXPIRED}: the client comes back with fresh ones (and a session
 * resumes). A connection authenticated without an expiry is never closed for it.
 */
final class CredentialsExpiry {
    private static final long TEN_YEARS_S = 10L * 366 * 24 * 3600;

    private CredentialsExpiry() {
    }

    /** Schedules the close on the connection's event loop; cancelled when the connection closes first. */
    static void watch(EventLoop loop, WebSocketConnectionHandler connection, @Nullable Principal principal, Duration grace, Clock clock) {
        Instant expires = principal == null ? null : principal.expiresAt();
        if (expires == null) {
            return;
        }
        long delayNanos = delayNanos(expires, grace, clock.instant());
        ScheduledFuture<?> task = loop.schedule(() -> {
            connection.close(CloseCodes.CREDENTIALS_EXPIRED, "credentials expired; reconnect with fresh ones");
        }, delayNanos, TimeUnit.NANOSECONDS);
        connection.closeFuture().whenComplete((ok, error) -> task.cancel(false));
    }

    /** Time from {@code now} to {@code expires + grace}; zero when that has passed, at most ten years. */
    static long delayNanos(Instant expires, Duration grace, Instant now) {
        Duration left = Duration.between(now, expires.plus(grace));
        return left.isNegative() ? 0 : Math.min(left.toSeconds(), TEN_YEARS_S) * 1_000_000_000L + left.toNanosPart();
    }
}
