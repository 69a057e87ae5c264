package io.tether.client.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tether.client.Disconnect;
import io.tether.client.SocketListener;
import io.tether.client.SocketState;
import io.tether.client.TetherSocket;
import io.tether.core.CloseCodes;
import io.tether.core.ConnectionClosedException;
import io.tether.core.ProtocolViolationException;
import io.tether.core.WebSocketConnection;
import io.tether.core.protocol.Frame;
import io.tether.core.session.SessionConfig;
import io.tether.core.session.SessionEngine;
import io.tether.core.session.SessionStats;
import io.tether.netty.EventLoopScheduler;
import io.tether.core.WebSocketListener;
import io.tether.core.outbox.Outbox;
import io.tether.core.outbox.OutboxConfig;
import io.tether.core.reconnect.BackoffSequence;
import io.tether.core.reconnect.ReconnectFailedException;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.reconnect.RetryDecision;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconnect loop behind {@link TetherSocket}. Every state change, timer and connection of one
 * socket happens on one event loop ({@code loop}), which also owns its channels, so no locks are
 * needed: methods called from other threads hand their work to the loop.
 */
public final class ReconnectingSocket implements TetherSocket {
    private static final Logger log = LoggerFactory.getLogger(ReconnectingSocket.class);
    private static final Duration CENTURY = Duration.ofDays(36_500);

    private final URI uri;
    private final Connector connector;
    private final ReconnectPolicy policy;
    private final OutboxConfig outboxConfig;
    private final RandomGenerator random;
    private final EventLoop loop;
    private final SocketCallbacks callbacks;
    private final Outbox outbox;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile SocketState state = SocketState.CONNECTING;
    private volatile @Nullable WebSocketConnection current;
    private @Nullable BackoffSequence sequence;
    private @Nullable ScheduledFuture<?> retryTimer;
    private @Nullable ScheduledFuture<?> stableTimer;
    private @Nullable ScheduledFuture<?> sweepTimer;
    private long sweepAt = Long.MAX_VALUE;
    private boolean everOpened;
    private int closeCode = CloseCodes.NORMAL;
    private String closeReason = "";
    /** Identifies the current attempt, so that events of an abandoned connection are ignored. */
    private int generation;
    /** The tether.v1 session, when resumable; null in plain mode. */
    private final @Nullable ClientSession session;
    /** Set once a server welcomed a session: from then on sends go to the session, not the outbox. */
    private boolean sessionMode;
    private @Nullable WebSocketConnection awaitingWelcome;
    private @Nullable ScheduledFuture<?> welcomeTimer;
    private final Duration welcomeTimeout;

    public ReconnectingSocket(URI uri, Connector connector, ReconnectPolicy policy, OutboxConfig outboxConfig,
            RandomGenerator random, EventLoop loop, SocketListener listener, @Nullable SessionConfig sessions,
            Duration welcomeTimeout) {
        this.welcomeTimeout = welcomeTimeout;
        this.session = sessions == null ? null : new ClientSession(sessions, new EventLoopScheduler(loop),
                new SessionEngine.Receiver() {
                    @Override
                    public void onText(String text) {
                        callbacks.onText(text);
                    }

                    @Override
                    public void onBinary(byte[] data) {
                        callbacks.onBinary(data);
                    }
                });
        this.uri = uri;
        this.connector = connector;
        this.policy = policy;
        this.outboxConfig = outboxConfig;
        this.random = random;
        this.loop = loop;
        this.callbacks = new SocketCallbacks(listener, this);
        this.outbox = new Outbox(outboxConfig);
    }

    /** Starts the first attempt. */
    public void start() {
        loop.execute(this::attempt);
    }

    private long now() {
        return loop.ticker().nanoTime();
    }

    // ---- connecting ----------------------------------------------------------------------------

    private void attempt() {
        if (state == SocketState.CLOSING || state == SocketState.CLOSED) {
            return;
        }
        int gen = ++generation;
        connector.connect(uri, new Attempt(gen), loop, session != null).whenComplete((connection, error) -> {
            if (error != null) {
                loop.execute(() -> {
                    if (gen == generation && current == null) {
                        onLost(unwrap(error));
                    }
                });
            }
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** Listener of one connection attempt; forwards only while it is the current one. */
    private final class Attempt implements WebSocketListener {
        private final int gen;

        Attempt(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(WebSocketConnection connection) {
            if (gen != generation || state == SocketState.CLOSING || state == SocketState.CLOSED) {
                connection.close(CloseCodes.GOING_AWAY, "socket closed");
                return;
            }
            if (session != null && Frame.SUBPROTOCOL.equals(connection.subprotocol())) {
                sayHello(connection);
            } else if (sessionMode) {
                // Our session needs tether.v1 and this server (or the node a balancer picked) does
                // not speak it: treat it as a failed attempt rather than send into the void.
                connection.close(CloseCodes.PROTOCOL_ERROR, "tether.v1 session, but the server did not select tether.v1");
            } else {
                onConnected(connection);
            }
        }

        @Override
        public void onText(WebSocketConnection connection, String text) {
            if (gen != generation) {
                return;
            }
            if (Frame.SUBPROTOCOL.equals(connection.subprotocol())) {
                connection.close(CloseCodes.UNSUPPORTED_DATA, "tether.v1 carries binary frames only");
            } else {
                callbacks.onText(text);
            }
        }

        @Override
        public void onBinary(WebSocketConnection connection, byte[] data) {
            if (gen != generation) {
                return;
            }
            if (session == null || !Frame.SUBPROTOCOL.equals(connection.subprotocol())) {
                callbacks.onBinary(data);
                return;
            }
            try {
                if (awaitingWelcome == connection) {
                    onWelcome(connection, data);
                } else {
                    session.onFrame(connection, data);
                }
            } catch (ProtocolViolationException e) {
                log.debug("{} {}", uri, e.getMessage());
                connection.close(e.code(), CloseCodes.fitReason(String.valueOf(e.getMessage())));
            }
        }

        @Override
        public void onClosed(WebSocketConnection connection, int code, String reason) {
            if (gen == generation) {
                onConnectionEnded(connection, new ConnectionClosedException(code, reason));
            }
        }

        @Override
        public void onFailure(WebSocketConnection connection, Throwable cause) {
            if (gen == generation) {
                onConnectionEnded(connection, cause);
            }
        }
    }

    /** tether.v1: HELLO first; the connection counts as open once the WELCOME is in. */
    private void sayHello(WebSocketConnection connection) {
        ClientSession s = java.util.Objects.requireNonNull(session);
        awaitingWelcome = connection;
        connection.sendBinary(s.hello());
        welcomeTimer = loop.schedule(() -> {
            if (awaitingWelcome == connection) {
                connection.close(CloseCodes.PROTOCOL_ERROR, "tether.v1: no WELCOME within " + welcomeTimeout.toMillis() + " ms");
            }
        }, welcomeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void onWelcome(WebSocketConnection connection, byte[] data) {
        ClientSession s = java.util.Objects.requireNonNull(session);
        ClientSession.Welcome welcome = s.onWelcome(connection, data);
        awaitingWelcome = null;
        cancel(welcomeTimer);
        welcomeTimer = null;
        if (welcome.reset() != null) {
            callbacks.onSessionReset(welcome.reset());
        }
        sessionMode = true;
        onConnected(connection);
        if (welcome.resumed()) {
            callbacks.onResumed();
        }
    }

    private void onConnected(WebSocketConnection connection) {
        current = connection;
        cancel(retryTimer);
        retryTimer = null;
        cancel(sweepTimer);
        sweepTimer = null;
        sweepAt = Long.MAX_VALUE;
        int attempts = sequence == null ? 0 : sequence.attempts();
        state = SocketState.OPEN;
        // The backoff sequence restarts only once the connection has proved stable.
        stableTimer = loop.schedule(() -> {
            stableTimer = null;
            sequence = null;
        }, policy.resetAfter().toNanos(), TimeUnit.NANOSECONDS);
        if (everOpened) {
            callbacks.onReconnected(attempts);
        } else {
            everOpened = true;
            callbacks.onOpen();
        }
        flushOutbox(connection);
    }

    private void flushOutbox(WebSocketConnection connection) {
        Outbox.Entry entry;
        // In session mode everything goes into the session, which keeps it across drops.
        while ((sessionMode || state == SocketState.OPEN && current == connection && connection.isOpen())
                && (entry = outbox.poll(now())) != null) {
            link(sessionMode ? sendToSession(entry.payload()) : write(connection, entry.payload()), entry.future());
        }
    }

    private CompletionStage<Void> sendToSession(Object payload) {
        ClientSession s = java.util.Objects.requireNonNull(session);
        return payload instanceof String text ? s.send(false, text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : s.send(true, (byte[]) payload);
    }

    private void onConnectionEnded(WebSocketConnection connection, Throwable cause) {
        if (session != null) {
            session.detach(connection);
        }
        if (awaitingWelcome == connection) {
            awaitingWelcome = null;
            cancel(welcomeTimer);
            welcomeTimer = null;
        }
        current = null;
        cancel(stableTimer);
        stableTimer = null;
        if (state == SocketState.CLOSING) {
            finish(closeCode, closeReason, null);
        } else {
            onLost(cause);
        }
    }

    /** A connection dropped or an attempt failed: retry after the next delay, or give up. */
    private void onLost(Throwable cause) {
        if (state == SocketState.CLOSING || state == SocketState.CLOSED) {
            finish(closeCode, closeReason, null);
            return;
        }
        RetryDecision decision = policy.classifier().classify(cause);
        boolean mayRetry = policy.enabled() && (everOpened || policy.retryFirstConnect());
        if (!mayRetry || !decision.retry()) {
            String why = !policy.enabled() ? "reconnection disabled"
                    : !mayRetry ? "first connection failed" : decision.why();
            callbacks.onDisconnected(new Disconnect(cause, false, Optional.empty(), 0, why));
            finish(codeOf(cause), why, cause);
            return;
        }
        long now = now();
        BackoffSequence seq = sequence != null ? sequence : new BackoffSequence(policy, random, now);
        sequence = seq;
        Optional<Duration> delay = seq.next(now, decision.minDelay());
        if (delay.isEmpty()) {
            Throwable gaveUp = new ReconnectFailedException(seq.attempts(), seq.elapsed(now), cause);
            callbacks.onDisconnected(new Disconnect(cause, false, Optional.empty(), seq.attempts(), gaveUp.getMessage()));
            finish(codeOf(cause), "gave up reconnecting", gaveUp);
            return;
        }
        state = SocketState.RECONNECTING;
        log.debug("{} lost ({}): retry {} in {} ms", uri, decision.why(), seq.attempts(), delay.get().toMillis());
        callbacks.onDisconnected(new Disconnect(cause, true, delay, seq.attempts(), decision.why()));
        retryTimer = loop.schedule(this::retryNow, delay.get().toNanos(), TimeUnit.NANOSECONDS);
        scheduleSweep();
    }

    private void retryNow() {
        retryTimer = null;
        if (state != SocketState.RECONNECTING) {
            return;
        }
        callbacks.onReconnecting(sequence == null ? 1 : sequence.attempts());
        attempt();
    }

    private static int codeOf(Throwable cause) {
        return cause instanceof ConnectionClosedException closedException ? closedException.code() : CloseCodes.ABNORMAL;
    }

    /** Runs {@code task} on the loop; false when the loop is gone (the client was closed). */
    private boolean onLoop(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public void reconnectNow() {
        onLoop(() -> {
            if (state == SocketState.RECONNECTING && retryTimer != null) {
                cancel(retryTimer);
                retryNow();
            }
        });
    }

    // ---- sending -------------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> sendText(CharSequence text, @Nullable Duration expireAfter) {
        Objects.requireNonNull(text, "text");
        String copy = text.toString();
        return send(copy, ByteBufUtil.utf8Bytes(copy), expireAfter);
    }

    @Override
    public CompletionStage<Void> sendBinary(byte[] data, @Nullable Duration expireAfter) {
        Objects.requireNonNull(data, "data");
        return send(data.clone(), data.length, expireAfter);
    }

    private CompletionStage<Void> send(Object payload, int size, @Nullable Duration expireAfter) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (loop.inEventLoop()) {
            enqueue(payload, size, expireAfter, future);
        } else if (!onLoop(() -> enqueue(payload, size, expireAfter, future))) {
            future.completeExceptionally(new ConnectionClosedException(closeCode, "client closed"));
        }
        return future;
    }

    private void enqueue(Object payload, int size, @Nullable Duration expireAfter, CompletableFuture<Void> future) {
        WebSocketConnection connection = current;
        if (state == SocketState.CLOSING || state == SocketState.CLOSED) {
            future.completeExceptionally(new ConnectionClosedException(closeCode, "socket closed"));
        } else if (sessionMode) {
            link(sendToSession(payload), future);
        } else if (state == SocketState.OPEN && connection != null && connection.isOpen() && outbox.isEmpty()) {
            link(write(connection, payload), future);
        } else if (outboxConfig.whileDisconnected() == OutboxConfig.DisconnectedBehavior.REJECT) {
            future.completeExceptionally(new ConnectionClosedException(CloseCodes.ABNORMAL,
                    "not connected, and the outbox is set to REJECT while disconnected"));
        } else {
            long expiresAt = expireAfter == null ? Long.MAX_VALUE : now() + saturatedNanos(expireAfter);
            outbox.offer(new Outbox.Entry(payload, size, expiresAt, future), now());
            scheduleSweep();
        }
    }

    /** Nanoseconds of {@code d}, at most a century, so adding it to a ticker reading cannot overflow. */
    private static long saturatedNanos(Duration d) {
        return d.compareTo(CENTURY) > 0 ? CENTURY.toNanos() : Math.max(0, d.toNanos());
    }

    private static CompletionStage<Void> write(WebSocketConnection connection, Object payload) {
        return payload instanceof String text ? connection.sendText(text) : connection.sendBinary((byte[]) payload);
    }

    private static void link(CompletionStage<Void> from, CompletableFuture<Void> to) {
        from.whenComplete((v, e) -> {
            if (e != null) {
                to.completeExceptionally(e);
            } else {
                to.complete(null);
            }
        });
    }

    /** While not open, wakes up at the outbox's next expiry or wait deadline (moved earlier when needed). */
    private void scheduleSweep() {
        long next = outbox.nextDeadline();
        if (next == Long.MAX_VALUE || state == SocketState.OPEN) {
            return;
        }
        if (sweepTimer != null) {
            if (next - sweepAt >= 0) {
                return;
            }
            sweepTimer.cancel(false);
        }
        sweepAt = next;
        sweepTimer = loop.schedule(() -> {
            sweepTimer = null;
            sweepAt = Long.MAX_VALUE;
            outbox.expire(now());
            scheduleSweep();
        }, Math.max(0, next - now()), TimeUnit.NANOSECONDS);
    }

    // ---- closing -------------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        CloseCodes.requireValid(code, reason);
        if (!onLoop(() -> startClose(code, reason))) {
            closed.complete(null); // the client, and with it this socket, is already gone
        }
        return closed.copy();
    }

    private void startClose(int code, String reason) {
        if (state == SocketState.CLOSING || state == SocketState.CLOSED) {
            return;
        }
        state = SocketState.CLOSING;
        closeCode = code;
        closeReason = reason;
        cancel(retryTimer);
        retryTimer = null;
        WebSocketConnection connection = current;
        if (connection != null) {
            try {
                connection.close(code, reason);
            } catch (RuntimeException e) {
                log.warn("{} could not close the connection cleanly", uri, e);
                finish(code, reason, null);
            }
        } else {
            generation++; // an attempt in flight is abandoned: its connection closes itself on open
            finish(code, reason, null);
        }
    }

    private void finish(int code, String reason, @Nullable Throwable cause) {
        if (state == SocketState.CLOSED) {
            return;
        }
        state = SocketState.CLOSED;
        cancel(retryTimer);
        cancel(stableTimer);
        cancel(sweepTimer);
        outbox.failAll(new ConnectionClosedException(code, cause == null ? "socket closed" : "socket closed: " + reason));
        cancel(welcomeTimer);
        if (session != null) {
            session.close("socket closed");
        }
        try {
            callbacks.onClosed(code, reason, cause);
        } finally {
            closed.complete(null);
        }
    }

    private static void cancel(@Nullable ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    // ---- accessors -----------------------------------------------------------------------------

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public SocketState state() {
        return state;
    }

    @Override
    public Optional<WebSocketConnection> connection() {
        return Optional.ofNullable(current);
    }

    @Override
    public Optional<String> sessionId() {
        return session == null || session.id().isEmpty() ? Optional.empty() : Optional.of(session.id());
    }

    @Override
    public Optional<SessionStats> sessionStats() {
        return session == null || !sessionMode ? Optional.empty() : Optional.of(session.stats());
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closed.copy();
    }

    @Override
    public String toString() {
        return "TetherSocket[" + uri + " " + state + "]";
    }
}
