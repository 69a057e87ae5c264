package io.tether.client.internal;

import io.tether.core.internal.log.LogThrottle;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What one socket writes about its connection's life, on the logger {@code io.tether.client.reconnect}:
 * INFO when it connects, when a connection is lost and when it is back (with the attempts and the
 * outage), every failed attempt at DEBUG, giving up at WARN. The INFO lines are throttled per
 * socket — 10 at once, then one per 30 s, each saying how many were left out — so a client that
 * flaps all night does not fill the disk; the meters count every event. Time is the socket's
 * scheduler's (virtual in tests). Confined to the socket's scheduler thread.
 */
final class ReconnectLog {
    static final String LOGGER = "io.tether.client.reconnect";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final URI uri;
    private final LogThrottle throttle;

    ReconnectLog(URI uri, long nowNanos) {
        this.uri = uri;
        this.throttle = new LogThrottle(1.0 / 30, 10, nowNanos);
    }

    void connected(long nowNanos, String sessionId) {
        LoggingEventBuilder line = info(nowNanos);
        if (line != null) {
            line.addKeyValue("uri", uri).addKeyValue("session", sessionId.isEmpty() ? null : sessionId).log("connected");
        }
    }

    /** A connection (or attempt) failed with {@code cause} and the next attempt, number {@code attempt}, follows in {@code delay}. */
    void retrying(long nowNanos, int attempt, Duration delay, String cause, String why) {
        if (attempt > 1) {
            // The outage's first loss was told at INFO; the attempts that follow are detail.
            log.atDebug().addKeyValue("uri", uri).addKeyValue("attempt", attempt).addKeyValue("cause", cause)
                    .addKeyValue("delay_ms", delay.toMillis()).log("reconnect attempt failed: {}", why);
            return;
        }
        LoggingEventBuilder line = info(nowNanos);
        if (line != null) {
            line.addKeyValue("uri", uri).addKeyValue("cause", cause).addKeyValue("delay_ms", delay.toMillis())
                    .log("connection lost, reconnecting: {}", why);
        }
    }

    void reconnected(long nowNanos, int attempts, long outageNanos, String session) {
        LoggingEventBuilder line = info(nowNanos);
        if (line != null) {
            line.addKeyValue("uri", uri).addKeyValue("attempts", attempts)
                    .addKeyValue("outage_ms", Duration.ofNanos(outageNanos).toMillis()).addKeyValue("session", session)
                    .log("reconnected");
        }
    }

    void gaveUp(int attempts, String cause, String why) {
        log.atWarn().addKeyValue("uri", uri).addKeyValue("attempts", attempts).addKeyValue("cause", cause)
                .log("gave up reconnecting: {}", why);
    }

    private @org.jspecify.annotations.Nullable LoggingEventBuilder info(long nowNanos) {
        if (!log.isInfoEnabled()) {
            return null;
        }
        long leftOut = throttle.admit(nowNanos);
        if (leftOut == LogThrottle.SUPPRESS) {
            return null;
        }
        LoggingEventBuilder line = log.atInfo();
        return leftOut == 0 ? line : line.addKeyValue("suppressed", leftOut);
    }
}
