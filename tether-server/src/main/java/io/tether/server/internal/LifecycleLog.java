package io.tether.server.internal;

import io.netty.util.concurrent.Ticker;
import io.tether.core.internal.log.LogThrottle;
import io.tether.netty.internal.WebSocketConnectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One INFO line per connection and session lifecycle event, with the ids as key-value pairs
 * ({@code connection}, {@code session}; Logback's JSON encoder writes them as fields), on two
 * loggers an operator can turn down on their own: {@code io.tether.server.connections} and
 * {@code io.tether.server.sessions}. Throttled per process (a reconnect storm or a flapping client
 * writes a burst, then a line now and then that says how many were left out), so the disk is safe;
 * the meters count every event. Nothing here runs per message. Thread-safe.
 */
final class LifecycleLog {
    private static final Logger connections = LoggerFactory.getLogger("io.tether.server.connections");
    private static final Logger sessions = LoggerFactory.getLogger("io.tether.server.sessions");
    private static final Ticker TICKER = Ticker.systemTicker();
    /** 1000 lines at once, 200 a second after that, for both loggers together. */
    private static final LogThrottle THROTTLE = new LogThrottle(200, 1000, TICKER.nanoTime());

    private LifecycleLog() {
    }

    static void connectionOpened(WebSocketConnectionHandler c) {
        LoggingEventBuilder line = admit(connections);
        if (line != null) {
            line.addKeyValue("connection", c.id()).addKeyValue("remote", remote(c.remoteAddress()))
                    .addKeyValue("path", c.path()).addKeyValue("subprotocol", c.subprotocol()).log("connection opened");
        }
    }

    static void connectionClosed(WebSocketConnectionHandler c) {
        LoggingEventBuilder line = admit(connections);
        if (line != null) {
            line.addKeyValue("connection", c.id()).addKeyValue("cause", c.endCause()).log("connection closed");
        }
    }

    static void sessionStarted(String session, String connection, boolean resumed) {
        LoggingEventBuilder line = admit(sessions);
        if (line != null) {
            line.addKeyValue("session", session).addKeyValue("connection", connection)
                    .log(resumed ? "session resumed" : "session created");
        }
    }

    static void sessionExpired(String session, int unacknowledged) {
        LoggingEventBuilder line = admit(sessions);
        if (line != null) {
            line.addKeyValue("session", session).addKeyValue("unacknowledged", unacknowledged).log("session expired");
        }
    }

    /** host:port without InetSocketAddress's leading slash. */
    private static Object remote(java.net.SocketAddress address) {
        return address instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : address;
    }

    /** A builder for an INFO line when one may be written, with the count of lines left out; else null. */
    private static @org.jspecify.annotations.Nullable LoggingEventBuilder admit(Logger logger) {
        if (!logger.isInfoEnabled()) {
            return null;
        }
        long leftOut = THROTTLE.admit(TICKER.nanoTime());
        if (leftOut == LogThrottle.SUPPRESS) {
            return null;
        }
        LoggingEventBuilder line = logger.atInfo();
        return leftOut == 0 ? line : line.addKeyValue("suppressed", leftOut);
    }
}
