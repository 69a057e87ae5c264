package io.tether.client.internal;

import io.netty.buffer.ByteBufUtil;
import io.tether.client.Disconnect;
import io.tether.client.SocketListener;
import io.tether.client.SocketState;
import io.tether.client.TetherSocket;
import io.tether.core.CloseCodes;
import io.tether.core.HandshakeRejectedException;
import io.tether.core.ConnectionClosedException;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.internal.session.Scheduler;
import io.tether.core.internal.session.Stages;
import io.tether.core.outbox.OutboxConfig;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.session.SessionConfig;
import io.tether.core.session.SessionStats;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconnect loop behind {@link TetherSocket}. Every state change, timer and connection event of
 * one socket runs on one {@link Scheduler} thread (the event loop that owns its channels), so no
 * locks are needed: methods called from other threads hand their work to it.
 *
 * <p>Outages: an outage starts when a connection that <em>worked</em> is lost (or with the first
 * attempt) and ends when a new one works; its attempts, delays and limits are counted per outage.
 * A connection works once something arrives from the server after it opened (for {@code tether.v1}:
 * any frame after the WELCOME), or once it stayed up {@link ReconnectPolicy#resetAfter()}. A server
 * that accepts and drops at once never works, so its delays keep growing; a connection that worked
 * and then fell to a network fault starts a fresh, short sequence.
 */
public final class ReconnectingSocket implements TetherSocket {
    private static final Logger log = LoggerFactory.getLogger(ReconnectingSocket.class);

    private final URI uri;
    private final Dialer dialer;
    private final ReconnectPolicy policy;
    private final Scheduler scheduler;
    private final SocketCallbacks callbacks;
    private final SocketStateMachine state = new SocketStateMachine();
    private final OrderedSender sender;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** The tether.v1 session, when resumable; null in plain mode. */
    private final @Nullable ClientSession session;
    private final Duration welcomeTimeout;
    private final ClientMetrics metrics;
    private final ReconnectLog reconnectLog;
    /** When the current outage began (a connection that worked was lost); 0 when there is none. */
    private long outageStartedNanos;

    private final RetryPlanner retries;
    private final Owner owner = new Owner();
    /** The current attempt or connection; events of any other are ignored. */
    private @Nullable ConnectionAttempt attempt;
    private volatile @Nullable WebSocketConnection current;
    private Scheduler.@Nullable Cancellable retryTimer;
    /** When the current (or last) attempt began: the backoff delay runs from here, not from its failure. */
    private long attemptStartedNanos;
    /** When it opened (plain) or was welcomed (tether.v1); 0 while it has not. */
    private long attemptReadyNanos;
    private boolean everOpened;
    /** Set once a server welcomed a session: later connections must speak tether.v1 too. */
    private boolean sessionMode;
    private int closeCode = CloseCodes.NORMAL;
    /** Whether credentials are supplied, so a 401 is worth one more attempt with fresh ones. */
    private boolean refreshesCredentials;
    /** The next attempt asks for fresh credentials (the last one was refused with 401). */
    private boolean refreshNext;
    /** The current (or last) attempt was made with fresh credentials after a 401. */
    private boolean attemptRefreshed;
    private String closeReason = "";

    ReconnectingSocket(URI uri, Dialer dialer, ReconnectPolicy policy, OutboxConfig outboxConfig,
            RandomGenerator random, Scheduler scheduler, SocketListener listener, @Nullable SessionConfig sessions,
            Duration welcomeTimeout) {
        this(uri, dialer, policy, outboxConfig, random, scheduler, listener, sessions, welcomeTimeout, ClientMetrics.NONE);
    }

    ReconnectingSocket(URI uri, Dialer dialer, ReconnectPolicy policy, OutboxConfig outboxConfig,
            RandomGenerator random, Scheduler scheduler, SocketListener listener, @Nullable SessionConfig sessions,
            Duration welcomeTimeout, ClientMetrics metrics) {
        this.metrics = metrics;
        this.reconnectLog = new ReconnectLog(uri, scheduler.nanoTime());
        this.uri = uri;
        this.dialer = dialer;
        this.policy = policy;
        this.retries = new RetryPlanner(policy, random);
        this.scheduler = scheduler;
        this.welcomeTimeout = welcomeTimeout;
        this.callbacks = new SocketCallbacks(listener, this);
        this.sender = new OrderedSender(outboxConfig, scheduler);
        this.session = sessions == null ? null
                : new ClientSession(sessions, scheduler, callbacks.sessionReceiver(), metrics.sessions());
    }

    /** A socket to {@code uri} whose connections {@code connector} opens on {@code loop}, which runs all of it. */
    public static ReconnectingSocket create(URI uri, Connector connector, io.tether.client.ClientConfig config,
            RandomGenerator random, io.netty.channel.EventLoop loop, SocketListener listener, ClientMetrics metrics) {
        Dialer dialer = (l, offerSessions, rejected) -> connector.connect(uri, l, loop, offerSessions, rejected);
        return create(uri, dialer, config, random, new io.tether.netty.internal.EventLoopScheduler(loop), listener,
                metrics);
    }

    static ReconnectingSocket create(URI uri, Dialer dialer, io.tether.client.ClientConfig config,
            RandomGenerator random, Scheduler scheduler, SocketListener listener) {
        return create(uri, dialer, config, random, scheduler, listener, ClientMetrics.NONE);
    }

    static ReconnectingSocket create(URI uri, Dialer dialer, io.tether.client.ClientConfig config,
            RandomGenerator random, Scheduler scheduler, SocketListener listener, ClientMetrics metrics) {
        ReconnectingSocket socket = new ReconnectingSocket(uri, dialer, config.reconnect(), config.outbox(), random,
                scheduler, listener, config.resumable() ? config.sessions() : null, config.handshakeTimeout(), metrics);
        socket.refreshesCredentials = config.credentials() != io.tether.client.Credentials.NONE;
        return socket;
    }

    /** Starts the first attempt. */
    public void start() {
        onLoop(this::attempt);
    }

    // ---- connecting ----------------------------------------------------------------------------

    private void attempt() {
        if (state.isEnding()) {
            return;
        }
        ConnectionAttempt a = new ConnectionAttempt(owner, session, scheduler, welcomeTimeout, policy.resetAfter());
        attempt = a;
        attemptStartedNanos = scheduler.nanoTime();
        attemptReadyNanos = 0;
        attemptRefreshed = refreshNext;
        refreshNext = false;
        dialer.dial(a, session != null, attemptRefreshed).whenComplete((connection, error) -> {
            if (error != null) {
                onLoop(() -> {
                    if (attempt == a && a.connection() == null) {
                        attempt = null;
                        onLost(Stages.cause(error), false);
                    }
                });
            }
        });
    }

    /** What the socket's attempts report to it. */
    private final class Owner implements ConnectionAttempt.Owner {
        @Override
        public boolean isCurrent(ConnectionAttempt a) {
            return attempt == a;
        }

        @Override
        public boolean isEnding() {
            return state.isEnding();
        }

        @Override
        public boolean needsSession() {
            return sessionMode;
        }

        @Override
        public void ready(ConnectionAttempt a, OrderedSender.Target target, ClientSession.@Nullable Welcome welcome) {
            if (welcome != null) {
                sessionMode = true;
            }
            onConnected(a, target, welcome);
        }

        @Override
        public void worked(ConnectionAttempt a) {
            retries.outageOver();
        }

        @Override
        public void message(Object textOrBytes) {
            if (textOrBytes instanceof String text) {
                callbacks.onText(text, null);
            } else {
                callbacks.onBinary((byte[]) textOrBytes, null);
            }
        }

        @Override
        public void ended(ConnectionAttempt a, WebSocketConnection connection, Throwable cause, boolean worked) {
            onConnectionEnded(connection, cause, worked);
        }
    }

    /**
     * A connection is ready (plain: opened; tether.v1: welcomed). Callbacks first — anything they
     * send queues behind what is already waiting — then the outbox is flushed in order.
     */
    private void onConnected(ConnectionAttempt a, OrderedSender.Target target, ClientSession.@Nullable Welcome welcome) {
        if (state.isEnding()) {
            return; // close() came first; the connection is already closing
        }
        current = a.connection();
        attemptReadyNanos = scheduler.nanoTime();
        long outage = outageStartedNanos == 0 ? 0 : attemptReadyNanos - outageStartedNanos;
        if (outageStartedNanos != 0) {
            metrics.outageOver(outage);
            outageStartedNanos = 0;
        }
        cancel(retryTimer);
        retryTimer = null;
        int attempts = retries.attempts();
        state.moveTo(SocketState.OPEN);
        String sessionOutcome = welcome == null ? "none" : welcome.reset() != null ? "reset" : welcome.resumed() ? "resumed"
                : "created";
        if (everOpened) {
            reconnectLog.reconnected(attemptReadyNanos, attempts, outage, sessionOutcome);
            callbacks.onReconnected(attempts);
        } else {
            everOpened = true;
            reconnectLog.connected(attemptReadyNanos, session == null ? "" : session.id());
            callbacks.onOpen();
        }
        if (welcome != null && welcome.reset() != null) {
            metrics.reset();
            callbacks.onSessionReset(welcome.reset());
        } else if (welcome != null && welcome.resumed()) {
            metrics.resumed();
            callbacks.onResumed();
        }
        if (state.get() == SocketState.OPEN && attempt == a) {
            sender.ready(target);
        }
    }

    private void onConnectionEnded(WebSocketConnection connection, Throwable cause, boolean worked) {
        if (session != null) {
            session.detach(connection);
        }
        attempt = null;
        current = null;
        sender.notReady();
        if (state.get() == SocketState.CLOSING) {
            finish(closeCode, closeReason, null);
        } else {
            onLost(cause, worked);
        }
    }

    /** A connection dropped or an attempt failed: retry after the next delay of this outage, or give up. */
    private void onLost(Throwable cause, boolean connectionWorked) {
        if (state.isEnding()) {
            finish(closeCode, closeReason, null);
            return;
        }
        metrics.lost(cause);
        if (outageStartedNanos == 0 && state.get() == SocketState.OPEN) {
            // Max with 1: a scheduler at time 0 (tests) must not read as "no outage".
            outageStartedNanos = Math.max(1, scheduler.nanoTime());
        }
        if (refreshesCredentials && !attemptRefreshed && cause instanceof HandshakeRejectedException rejected
                && rejected.status() == 401) {
            retryWithFreshCredentials(cause);
            return;
        }
        if (cause instanceof ConnectionClosedException closed && closed.code() == CloseCodes.CREDENTIALS_EXPIRED) {
            // The server says our credentials expired: a cached token must not be offered again.
            refreshNext = true;
        }
        long now = scheduler.nanoTime();
        // Only the time before the attempt opened is credited: a connection that opened and then
        // dropped spent its time connected, and crediting that would undo the backoff's jitter.
        long spentInAttempt = (attemptReadyNanos != 0 ? attemptReadyNanos : now) - attemptStartedNanos;
        RetryPlanner.Plan plan = retries.plan(cause, connectionWorked, everOpened, now, spentInAttempt);
        if (plan instanceof RetryPlanner.GiveUp g) {
            reconnectLog.gaveUp(g.attempts(), ClientMetrics.causeOf(cause), g.why());
            callbacks.onDisconnected(new Disconnect(cause, false, Optional.empty(), Optional.empty(), g.attempts(), g.why()));
            finish(codeOf(cause), g.closeReason(), g.terminal());
            return;
        }
        RetryPlanner.Retry retry = (RetryPlanner.Retry) plan;
        metrics.reconnectAttempt(cause);
        state.moveTo(SocketState.RECONNECTING);
        reconnectLog.retrying(now, retry.attempt(), retry.delay(), ClientMetrics.causeOf(cause), retry.why());
        callbacks.onDisconnected(new Disconnect(cause, true, Optional.of(retry.delay()), Optional.of(retry.backoff()), retry.attempt(), retry.why()));
        if (state.get() == SocketState.RECONNECTING) {
            retryTimer = scheduler.schedule(this::retryNow, retry.delay().toNanos());
        }
    }

    /**
     * The server refused the credentials: they may have expired since they were fetched. Ask the
     * supplier for fresh ones and try once more at once; a second 401 goes to the retry rules
     * (which give up).
     */
    private void retryWithFreshCredentials(Throwable cause) {
        refreshNext = true;
        state.moveTo(SocketState.RECONNECTING);
        String why = "credentials refused (401): trying once more with fresh ones";
        log.debug("{} {}", uri, why);
        callbacks.onDisconnected(new Disconnect(cause, true, Optional.of(Duration.ZERO), Optional.of(Duration.ZERO),
                Math.max(1, retries.attempts()), why));
        if (state.get() == SocketState.RECONNECTING) {
            retryTimer = scheduler.schedule(this::retryNow, 0);
        }
    }

    private void retryNow() {
        retryTimer = null;
        if (state.get() != SocketState.RECONNECTING) {
            return;
        }
        callbacks.onReconnecting(Math.max(1, retries.attempts()));
        attempt();
    }

    private static int codeOf(Throwable cause) {
        return cause instanceof ConnectionClosedException closedException ? closedException.code() : CloseCodes.ABNORMAL;
    }

    /** Runs {@code task} on the scheduler thread (at once when already there); false when it is gone (client closed). */
    private boolean onLoop(Runnable task) {
        try {
            scheduler.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public void reconnectNow() {
        onLoop(() -> {
            if (state.get() == SocketState.RECONNECTING && retryTimer != null) {
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
        if (!onLoop(() -> enqueue(payload, size, expireAfter, future))) {
            future.completeExceptionally(new ConnectionClosedException(closeCode, "client closed"));
        }
        return future;
    }

    private void enqueue(Object payload, int size, @Nullable Duration expireAfter, CompletableFuture<Void> future) {
        if (state.isEnding()) {
            future.completeExceptionally(new ConnectionClosedException(closeCode, "socket closed"));
        } else {
            sender.send(payload, size, expireAfter, future, current != null);
        }
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
        if (state.isEnding()) {
            return;
        }
        state.moveTo(SocketState.CLOSING);
        closeCode = code;
        closeReason = reason;
        cancel(retryTimer);
        retryTimer = null;
        WebSocketConnection connection = current;
        ConnectionAttempt a = attempt;
        if (connection == null && a != null) {
            connection = a.connection(); // opened, still waiting for its WELCOME
        }
        if (connection != null) {
            try {
                connection.close(code, reason);
            } catch (RuntimeException e) {
                log.warn("{} could not close the connection cleanly", uri, e);
                finish(code, reason, null);
            }
        } else {
            attempt = null; // an attempt in flight is abandoned: its connection closes itself on open
            finish(code, reason, null);
        }
    }

    private void finish(int code, String reason, @Nullable Throwable cause) {
        if (state.get() == SocketState.CLOSED) {
            return;
        }
        state.moveTo(SocketState.CLOSED);
        cancel(retryTimer);
        sender.failAll(new ConnectionClosedException(code, cause == null ? "socket closed" : "socket closed: " + reason));
        if (session != null) {
            session.close("socket closed");
        }
        try {
            callbacks.onClosed(code, reason, cause);
        } finally {
            closed.complete(null);
        }
    }

    private static void cancel(Scheduler.@Nullable Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    // ---- accessors -----------------------------------------------------------------------------

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public SocketState state() {
        return state.get();
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

    /** Messages waiting in the outbox; any thread (a recent value, for gauges). */
    int queued() {
        return sender.queued();
    }

    @Override
    public String toString() {
        return "TetherSocket[" + uri + " " + state.get() + "]";
    }
}
