package io.tether.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tether.core.internal.session.SessionCounters;
import io.tether.netty.internal.TransportMeter;
import io.tether.netty.internal.WebSocketConnectionHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The server's meters (Micrometer, names {@code tether.*}, Prometheus {@code tether_*}). Most counts
 * come from counters the server keeps anyway ({@link EndpointTotals}, {@link SessionCounters},
 * the limiter's), read when scraped ({@link FunctionCounter}, gauges); per message there is one
 * {@link LongAdder} increment. Per-event counters (a connection's end, a refused handshake) are
 * looked up by tag once and kept. Tags are low-cardinality: endpoint path, cause, status, reason,
 * store operation — never a session or connection id. No name ends in {@code _created}: OpenMetrics
 * reserves that suffix for a counter's creation time, and parsers read it so. docs/operations.md
 * lists every meter. Thread-safe.
 */
public final class ServerMetrics {
    /** Histogram range of heartbeat round trips and resumes. */
    private static final Duration FASTEST = Duration.ofMillis(1);
    private static final Duration SLOWEST = Duration.ofSeconds(30);

    private final @Nullable MeterRegistry registry;
    private final Map<String, Counter> closedByCause = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> refusedByStatus = new ConcurrentHashMap<>();
    private final TransportMeter transport;
    private final java.util.List<SessionManager> endpoints = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Registered at 0 from the start: rate() and increase() see a series' first event only when
     * the series existed before it (a first 503 or slow consumer would go unseen by an alert).
     */
    private static final java.util.List<Integer> USUAL_REFUSALS = java.util.List.of(400, 401, 403, 404, 405, 426, 429,
            500, 503);

    private ServerMetrics(@Nullable MeterRegistry registry, TransportMeter transport) {
        this.registry = registry;
        this.transport = transport;
    }

    /** Meters nothing: no registry was configured. */
    public static final ServerMetrics NONE = new ServerMetrics(null, TransportMeter.NONE);

    /**
     * Registers the server-wide meters in {@code registry}; {@link #NONE} when it is null. The
     * endpoints' meters follow with {@link #bindEndpoint}.
     */
    public static ServerMetrics of(@Nullable MeterRegistry registry, ConnectionRegistry connections) {
        if (registry == null) {
            return NONE;
        }
        ServerMetrics m = new ServerMetrics(registry, new io.tether.netty.internal.MeteredTransport(registry, "tether."));
        Gauge.builder("tether.connections.open", connections, ConnectionRegistry::size)
                .description("WebSocket connections open now").register(registry);
        FunctionCounter.builder("tether.connections.opened", connections, ConnectionRegistry::accepted)
                .description("WebSocket connections accepted (handshake completed)").register(registry);
        Gauge.builder("tether.ready", m, metrics -> Health.notReady(connections.isDraining(), metrics.endpoints) == null ? 1 : 0)
                .description("1 while /health/ready answers 200; 0 while draining or while a shared session store"
                        + " is unreachable").register(registry);
        WebSocketConnectionHandler.END_CAUSES.forEach(m::closedCounter);
        USUAL_REFUSALS.forEach(m::refusedCounter);
        return m;
    }

    /** Registers the meters of the {@code tether.v1} endpoint at {@code path}. */
    public void bindEndpoint(String path, SessionManager manager) {
        MeterRegistry registry = this.registry;
        if (registry == null) {
            return;
        }
        endpoints.add(manager);
        EndpointTotals totals = manager.totals();
        SessionCounters engines = totals.engines;
        Gauge.builder("tether.sessions.held", manager, SessionManager::size).tag("endpoint", path)
                .description("tether.v1 sessions held on this node, attached or waiting for a resume")
                .register(registry);
        Gauge.builder("tether.sessions.detached", manager, SessionManager::detached).tag("endpoint", path)
                .description("tether.v1 sessions held on this node with no connection, waiting for a resume")
                .register(registry);
        counter(registry, "tether.sessions.opened", path, totals.created,
                "tether.v1 sessions created (a first HELLO, or a resume that could not be honoured)");
        counter(registry, "tether.sessions.resumed", path, totals.resumed, "tether.v1 resumes honoured");
        counter(registry, "tether.sessions.resume.failed", path, totals.resumeFailed,
                "HELLOs naming a session that could not be resumed (unknown, expired, wrong token or principal):"
                        + " the client got a new session and a reset");
        counter(registry, "tether.sessions.expired", path, totals.expired,
                "sessions whose time-to-live ran out without a resume; their unacknowledged messages failed");
        counter(registry, "tether.sessions.refused", path, totals.refused,
                "new sessions refused with 1013: the endpoint held its maximum");
        counter(registry, "tether.deliveries.flagged", path, totals.flagged,
                "client messages delivered flagged as possible duplicates (after a takeover)");
        engineCounter(registry, "tether.messages.replayed", path, engines, SessionCounters::replayed,
                "messages written again after a resume because the client had not acknowledged them");
        engineCounter(registry, "tether.messages.duplicates.dropped", path, engines, SessionCounters::duplicatesDropped,
                "client messages received again after a resume and not delivered twice");
        engineCounter(registry, "tether.messages.in.doubt", path, engines, SessionCounters::inDoubt,
                "sends failed with InDoubtException when their session ended (written, never acknowledged)");
        engineCounter(registry, "tether.messages.not.delivered", path, engines, SessionCounters::notDelivered,
                "sends failed with NotDeliveredException when their session ended (never written)");
        Gauge.builder("tether.replay.buffer.messages", manager, s -> s.replayBuffered()[0]).tag("endpoint", path)
                .description("messages sent and not yet acknowledged, summed over the sessions held here")
                .register(registry);
        Gauge.builder("tether.replay.buffer.bytes", manager, s -> s.replayBuffered()[1]).tag("endpoint", path)
                .description("payload bytes of those messages").baseUnit("bytes").register(registry);
        Timer resumes = Timer.builder("tether.sessions.resume.latency").tag("endpoint", path)
                .description("from a resuming HELLO to its WELCOME and replay (store claim included)")
                .publishPercentileHistogram().minimumExpectedValue(FASTEST).maximumExpectedValue(SLOWEST)
                .register(registry);
        totals.onResumeLatency(nanos -> resumes.record(nanos, TimeUnit.NANOSECONDS));
    }

    private static void counter(MeterRegistry registry, String name, String path, LongAdder count, String description) {
        FunctionCounter.builder(name, count, LongAdder::sum).tag("endpoint", path).description(description)
                .register(registry);
    }

    private static void engineCounter(MeterRegistry registry, String name, String path, SessionCounters engines,
            ToDoubleFunction<SessionCounters> read, String description) {
        FunctionCounter.builder(name, engines, read).tag("endpoint", path).description(description).register(registry);
    }

    /** Counts handshakes the limiter refused, by reason. */
    void bindLimiter(ConnectionLimiter limiter) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        for (String reason : ConnectionLimiter.REJECTION_REASONS) {
            FunctionCounter.builder("tether.admission.rejected", limiter, l -> l.rejected(reason)).tag("reason", reason)
                    .description("handshakes refused by a connection limit, by which").register(r);
        }
    }

    /** What the connections count per message and per pong. */
    TransportMeter transport() {
        return transport;
    }

    /**
     * {@code store}, timed per operation when metering and shared (a store in this process's
     * memory answers at once and cannot be unreachable: its timings would be noise), else itself.
     */
    public io.tether.server.store.SessionStore meter(String path, io.tether.server.store.SessionStore store) {
        MeterRegistry r = registry;
        return r == null || !store.shared() ? store : new MeteredSessionStore(store, r, path);
    }

    /** A connection ended; counted by {@link WebSocketConnectionHandler#endCause()}. Its event loop. */
    void closed(WebSocketConnectionHandler connection) {
        if (registry != null) {
            closedCounter(connection.endCause()).increment();
        }
    }

    private Counter closedCounter(String cause) {
        MeterRegistry r = java.util.Objects.requireNonNull(registry);
        return closedByCause.computeIfAbsent(cause, c -> Counter.builder("tether.connections.closed")
                .tag("cause", c).description("WebSocket connections closed, by cause").register(r));
    }

    /** A handshake was refused with {@code status}. */
    void refused(int status) {
        if (registry != null) {
            refusedCounter(status).increment();
        }
    }

    private Counter refusedCounter(int status) {
        MeterRegistry r = java.util.Objects.requireNonNull(registry);
        return refusedByStatus.computeIfAbsent(status, s -> Counter.builder("tether.handshakes.refused")
                .tag("status", Integer.toString(s)).description("handshakes refused, by HTTP status").register(r));
    }

}
