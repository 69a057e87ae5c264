package io.tether.client.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tether.client.SocketState;
import io.tether.core.CloseCodes;
import io.tether.core.ConnectFailedException;
import io.tether.core.ConnectionClosedException;
import io.tether.core.ConnectionResetException;
import io.tether.core.HandshakeRejectedException;
import io.tether.core.ProtocolViolationException;
import io.tether.core.heartbeat.HeartbeatTimeoutException;
import io.tether.core.internal.session.SessionCounters;
import io.tether.netty.internal.TransportMeter;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * A client's meters (names {@code tether.client.*}, Prometheus {@code tether_client_*}), shared by
 * its sockets: reconnect attempts by cause, outage durations, heartbeat round trips and timeouts,
 * resumes and resets, what the sessions replayed, dropped and failed, messages both ways, and the
 * sockets and their outboxes now. Per message only a {@link LongAdder} increment; per-cause
 * counters are looked up once per tag. Tags are low-cardinality (cause, state). With no registry
 * ({@link #NONE}) nothing is registered and the counts are still kept. docs/operations.md lists
 * every meter. Thread-safe.
 */
public final class ClientMetrics {
    private static final Duration FASTEST = Duration.ofMillis(1);

    private final @Nullable MeterRegistry registry;
    private final SessionCounters sessions = new SessionCounters();
    private final TransportMeter transport;
    private final Map<String, Counter> attemptsByCause = new ConcurrentHashMap<>();
    private final LongAdder heartbeatTimeouts = new LongAdder();
    private final LongAdder resumed = new LongAdder();
    private final LongAdder resets = new LongAdder();
    private final @Nullable Timer outages;

    private ClientMetrics(@Nullable MeterRegistry registry, Collection<ReconnectingSocket> sockets) {
        this.registry = registry;
        if (registry == null) {
            transport = TransportMeter.NONE;
            outages = null;
            return;
        }
        transport = new io.tether.netty.internal.MeteredTransport(registry, "tether.client.");
        outages = Timer.builder("tether.client.outage")
                .description("from losing a connection that worked to the next one ready (resumed or new session)")
                .publishPercentileHistogram().minimumExpectedValue(FASTEST).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        FunctionCounter.builder("tether.client.heartbeat.timeouts", heartbeatTimeouts, LongAdder::sum)
                .description("connections the client's heartbeat declared dead").register(registry);
        FunctionCounter.builder("tether.client.sessions.resumed", resumed, LongAdder::sum)
                .description("reconnects whose tether.v1 session the server resumed").register(registry);
        FunctionCounter.builder("tether.client.sessions.reset", resets, LongAdder::sum)
                .description("reconnects the server answered with a new session: the application was told which"
                        + " messages were affected").register(registry);
        engine(registry, "tether.client.messages.replayed", SessionCounters::replayed,
                "messages written again after a resume because the server had not acknowledged them");
        engine(registry, "tether.client.messages.duplicates.dropped", SessionCounters::duplicatesDropped,
                "server messages received again after a resume and not delivered twice");
        engine(registry, "tether.client.messages.in.doubt", SessionCounters::inDoubt,
                "sends failed with InDoubtException: written, never acknowledged, session ended");
        engine(registry, "tether.client.messages.not.delivered", SessionCounters::notDelivered,
                "sends failed with NotDeliveredException: never written, session ended");
        engine(registry, "tether.client.messages.carried", SessionCounters::carried,
                "unacknowledged messages carried into the new session after a reset");
        for (SocketState state : SocketState.values()) {
            Gauge.builder("tether.client.sockets", sockets, all -> all.stream().filter(s -> s.state() == state).count())
                    .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                    .description("reconnecting sockets of this client, by state").register(registry);
        }
        CAUSES.forEach(this::attemptCounter);
        Gauge.builder("tether.client.outbox.messages", sockets,
                all -> all.stream().mapToLong(ReconnectingSocket::queued).sum())
                .description("messages waiting in the sockets' outboxes for a connection").register(registry);
    }

    /** Meters nothing. */
    public static final ClientMetrics NONE = new ClientMetrics(null, java.util.List.of());

    /**
     * The meters of one client in {@code registry}; {@link #NONE}'s behaviour when null.
     *
     * @param sockets the client's live sockets (read when scraped)
     */
    public static ClientMetrics of(@Nullable MeterRegistry registry, Collection<ReconnectingSocket> sockets) {
        return new ClientMetrics(registry, sockets);
    }

    private void engine(MeterRegistry registry, String name, ToDoubleFunction<SessionCounters> read, String description) {
        FunctionCounter.builder(name, sessions, read).description(description).register(registry);
    }

    /** Where the sockets' session engines add up what they replay, drop and fail. */
    SessionCounters sessions() {
        return sessions;
    }

    /** What the connections count per message and per pong. */
    public TransportMeter transport() {
        return transport;
    }

    /** A connection was lost or an attempt failed with {@code cause}, and another attempt follows. */
    void reconnectAttempt(Throwable cause) {
        if (registry != null) {
            attemptCounter(causeOf(cause)).increment();
        }
    }

    /**
     * The causes registered at 0 from the start, so that rate() sees their first event; other
     * handshake statuses appear when they first happen.
     */
    private static final java.util.List<String> CAUSES = java.util.List.of("heartbeat_timeout", "reset", "connect_failed",
            "protocol_error", "server_restart", "try_again_later", "going_away", "credentials_expired", "lost", "closed",
            "other", "handshake_401", "handshake_403", "handshake_404", "handshake_429", "handshake_502", "handshake_503");

    private Counter attemptCounter(String cause) {
        MeterRegistry r = java.util.Objects.requireNonNull(registry);
        return attemptsByCause.computeIfAbsent(cause, c -> Counter.builder("tether.client.reconnect.attempts")
                .tag("cause", c).description("reconnect attempts, by what ended the connection or attempt before")
                .register(r));
    }

    /** A connection or attempt ended with {@code cause} (whatever follows). */
    void lost(Throwable cause) {
        if (cause instanceof HeartbeatTimeoutException) {
            heartbeatTimeouts.increment();
        }
    }

    /** An outage of {@code nanos} ended: a connection is ready again. */
    void outageOver(long nanos) {
        if (outages != null) {
            outages.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void resumed() {
        resumed.increment();
    }

    void reset() {
        resets.increment();
    }

    /**
     * The cause tag of a lost connection or failed attempt: {@code heartbeat_timeout}, {@code reset},
     * {@code connect_failed}, {@code handshake_<status>}, {@code protocol_error}, {@code server_restart}
     * (1012), {@code try_again_later} (1013), {@code going_away} (1001), {@code credentials_expired}
     * (4001), {@code lost} (no Close frame), {@code closed} (another close code) or {@code other}.
     */
    static String causeOf(Throwable cause) {
        if (cause instanceof HeartbeatTimeoutException) {
            return "heartbeat_timeout";
        }
        if (cause instanceof ConnectionResetException) {
            return "reset";
        }
        if (cause instanceof ConnectFailedException) {
            return "connect_failed";
        }
        if (cause instanceof HandshakeRejectedException rejected) {
            int status = rejected.status();
            return status >= 100 && status < 600 ? "handshake_" + status : "handshake_other";
        }
        if (cause instanceof ProtocolViolationException) {
            return "protocol_error";
        }
        if (cause instanceof ConnectionClosedException closed) {
            return switch (closed.code()) {
                case CloseCodes.SERVICE_RESTART -> "server_restart";
                case CloseCodes.TRY_AGAIN_LATER -> "try_again_later";
                case CloseCodes.GOING_AWAY -> "going_away";
                case CloseCodes.CREDENTIALS_EXPIRED -> "credentials_expired";
                case CloseCodes.ABNORMAL -> "lost";
                case CloseCodes.PROTOCOL_ERROR, CloseCodes.INVALID_PAYLOAD, CloseCodes.UNSUPPORTED_DATA -> "protocol_error";
                default -> "closed";
            };
        }
        return "other";
    }
}
