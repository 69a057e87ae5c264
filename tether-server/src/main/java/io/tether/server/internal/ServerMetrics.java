package io.tether.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tether.netty.internal.WebSocketConnectionHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The server's meters (Micrometer, names {@code tether.*}, Prometheus {@code tether_*}). Counts
 * come from counters the server keeps anyway, read when scraped ({@link FunctionCounter}, gauges):
 * nothing is done per message. Per-event counters (a connection's end, a refused handshake) are
 * looked up by tag once and kept. Tags are low-cardinality: endpoint path, cause, status — never a
 * session or connection id. No name ends in {@code _created}: OpenMetrics reserves that suffix for
 * a counter's creation time, and parsers read it so. Thread-safe.
 */
public final class ServerMetrics {
    private final @Nullable MeterRegistry registry;
    private final Map<String, Counter> closedByCause = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> refusedByStatus = new ConcurrentHashMap<>();

    private ServerMetrics(@Nullable MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters nothing: no registry was configured. */
    public static final ServerMetrics NONE = new ServerMetrics(null);

    /** Registers the server-wide and per-endpoint meters in {@code registry}. */
    public static ServerMetrics bind(MeterRegistry registry, ConnectionRegistry connections,
            Map<String, SessionManager> sessions) {
        ServerMetrics m = new ServerMetrics(registry);
        Gauge.builder("tether.connections.open", connections, ConnectionRegistry::size)
                .description("WebSocket connections open now").register(registry);
        FunctionCounter.builder("tether.connections.opened", connections, ConnectionRegistry::accepted)
                .description("WebSocket connections accepted (handshake completed)").register(registry);
        sessions.forEach((path, manager) -> {
            Gauge.builder("tether.sessions.held", manager, SessionManager::size).tag("endpoint", path)
                    .description("tether.v1 sessions held on this node, attached or waiting for a resume")
                    .register(registry);
            FunctionCounter.builder("tether.sessions.opened", manager, SessionManager::created).tag("endpoint", path)
                    .description("tether.v1 sessions created (a first HELLO, or a resume that could not be honoured)")
                    .register(registry);
            FunctionCounter.builder("tether.sessions.resumed", manager, SessionManager::resumed).tag("endpoint", path)
                    .description("tether.v1 resumes honoured").register(registry);
            FunctionCounter.builder("tether.sessions.resume.failed", manager, SessionManager::resumeFailed)
                    .tag("endpoint", path)
                    .description("HELLOs naming a session that could not be resumed (unknown, expired, wrong token"
                            + " or principal): the client got a new session and a reset").register(registry);
            FunctionCounter.builder("tether.deliveries.flagged", manager, SessionManager::flaggedDeliveries)
                    .tag("endpoint", path)
                    .description("client messages delivered flagged as possible duplicates (after a takeover)")
                    .register(registry);
        });
        return m;
    }

    /** A connection ended; counted by {@link WebSocketConnectionHandler#endCause()}. Its event loop. */
    void closed(WebSocketConnectionHandler connection) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        closedByCause.computeIfAbsent(connection.endCause(), cause -> Counter.builder("tether.connections.closed")
                .tag("cause", cause).description("WebSocket connections closed, by cause").register(r)).increment();
    }

    /** A handshake was refused with {@code status}. */
    void refused(int status) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        refusedByStatus.computeIfAbsent(status, s -> Counter.builder("tether.handshakes.refused")
                .tag("status", Integer.toString(s)).description("handshakes refused, by HTTP status").register(r))
                .increment();
    }
}
