package io.tether.server.internal;

import io.tether.core.CloseCodes;
import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import io.tether.core.ProtocolViolationException;
import io.tether.core.SessionExpiredException;
import io.tether.core.WebSocketConnection;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.protocol.ReplayBuffer;
import io.tether.core.internal.transport.Utf8Text;
import io.tether.core.internal.session.Scheduler;
import io.tether.core.internal.session.SessionEngine;
import io.tether.core.internal.session.Stages;
import io.tether.core.reconnect.RetryAfter;
import io.tether.core.session.Delivery;
import io.tether.core.session.SessionConfig;
import io.tether.core.session.SessionStats;
import io.tether.netty.internal.CallbackGuard;
import io.tether.server.ConnectionReplacedException;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.store.SessionMovedException;
import io.tether.server.store.SessionState;
import io.tether.server.store.SessionStore;
import io.tether.server.store.StoreUnavailableException;
import io.tether.server.store.StoredMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-side session's attachment on this node: its engine, connection and timers, on its
 * {@link Scheduler}'s event loop (the loop of the connection that created or took it over here);
 * connections on other loops hand their frames over. Its state is in the {@link SessionStore}:
 * token checks and rotation, ownership (an epoch), expiry; with a shared store also both
 * directions' positions and unacknowledged messages, through the engine's journal.
 */
final class ServerSession implements Session {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

    private final String id;
    private final Scheduler scheduler;
    private final SessionConfig config;
    private final SessionListener listener;
    private final LocalSessions locals;
    private final EndpointTotals totals;
    private final SessionStore store;
    private final Clock clock;
    private final Duration storeOutageWait;
    private final SessionEngine engine;
    /** Of the connection that created the session (or took it over on this node); no copies. */
    private final HandshakeRequest handshake;
    /** The latest connection's principal, kept while detached; written on the session thread. */
    private volatile @Nullable Principal principal;
    private final Map<String, Object> attributes;
    /** Ownership in the store: every write names it, and a claim elsewhere makes it stale. */
    private volatile long epoch;
    /**
     * The highest epoch this node's claims have reached, noted as soon as the store answers (on the
     * store's thread, before the resume reaches this session's loop): a write fenced off by an epoch
     * at or below it was fenced by our own resume, not by another node, and is made again.
     */
    private long claimedEpoch;
    /** Store writes our own claim fenced off, waiting for that claim's attach to take its epoch. Session thread. */
    private final List<Runnable> waitingForAttach = new ArrayList<>();
    /** Store writes waiting out an outage (their first attempt may have been applied). */
    private final java.util.Set<CompletableFuture<Void>> outageRetries = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The connection whose first frame shows the client has the new token (then the store forgets the old one). */
    private @Nullable WebSocketConnection awaitingConfirmation;
    private Scheduler.@Nullable Cancellable ttlTimer;
    private boolean ended;

    /**
     * @param restored the stored state to continue from (a session taken over from another node or
     *     a previous process), or null for a new session or one this node's store keeps in memory
     */
    ServerSession(String id, long epoch, Scheduler scheduler, SessionConfig config, SessionListener listener,
            LocalSessions locals, EndpointTotals totals, SessionStore store, Clock clock, Duration storeOutageWait,
            HandshakeRequest handshake, Map<String, Object> attributes, @Nullable SessionState restored) {
        this.storeOutageWait = storeOutageWait;
        this.id = id;
        this.epoch = epoch;
        this.claimedEpoch = epoch;
        this.handshake = handshake;
        this.attributes = attributes;
        this.scheduler = scheduler;
        this.config = config;
        this.listener = listener;
        this.locals = locals;
        this.totals = totals;
        this.store = store;
        this.clock = clock;
        this.engine = new SessionEngine(config, scheduler, new SessionEngine.Receiver() {
            @Override
            public void onText(String text) {
                guard("onText", () -> listener.onText(ServerSession.this, text));
            }

            @Override
            public void onBinary(byte[] data) {
                guard("onBinary", () -> listener.onBinary(ServerSession.this, data));
            }

            @Override
            public void onText(String text, Delivery delivery) {
                countFlagged(delivery);
                guard("onText", () -> listener.onText(ServerSession.this, text, delivery));
            }

            @Override
            public void onBinary(byte[] data, Delivery delivery) {
                countFlagged(delivery);
                guard("onBinary", () -> listener.onBinary(ServerSession.this, data, delivery));
            }
        }, totals.engines);
        if (store.shared()) {
            engine.useJournal(new StoreJournal(), restored == null ? null : restoredPosition(restored));
        }
    }

    private void countFlagged(Delivery delivery) {
        if (delivery.possibleDuplicate()) {
            totals.flagged.increment();
        }
    }

    private static SessionEngine.Restored restoredPosition(SessionState s) {
        List<ReplayBuffer.Entry> kept = new ArrayList<>(s.outbound().size());
        for (StoredMessage m : s.outbound()) {
            kept.add(new ReplayBuffer.Entry(m.seq(), m.binary(), m.possibleDuplicate(), m.payload(), new CompletableFuture<>()));
        }
        return new SessionEngine.Restored(s.outboundAcked(), s.outboundLastSeq(), kept, s.inboundDelivering(),
                s.inboundDelivered());
    }

    /** The engine's steps, made durable in the shared store under this node's epoch. */
    private final class StoreJournal implements SessionEngine.Journal {
        @Override
        public CompletionStage<Void> appended(List<ReplayBuffer.Entry> entries) {
            List<StoredMessage> messages = new ArrayList<>(entries.size());
            for (ReplayBuffer.Entry e : entries) {
                messages.add(new StoredMessage(e.seq(), e.binary(), e.possibleDuplicate(), e.payload()));
            }
            long last = entries.get(entries.size() - 1).seq();
            // Tried again after an outage, an append may have been applied by the failed attempt
            // (a reply lost, not the command): then the store has it, and a repeat would be refused.
            return atCurrentEpoch(e -> store.append(id, e, messages), e -> store.load(id).thenApply(state ->
                    state.isPresent() && state.get().epoch() == e && state.get().outboundLastSeq() >= last));
        }

        @Override
        public CompletionStage<Void> acknowledged(long upTo) {
            return atCurrentEpoch(e -> store.acknowledge(id, e, upTo), null); // idempotent: never goes back
        }

        @Override
        public CompletionStage<Void> inbound(long delivering, long delivered) {
            return atCurrentEpoch(e -> store.recordInbound(id, e, delivering, delivered), null); // idempotent
        }

        @Override
        public boolean mayHaveApplied(Throwable cause) {
            return !(cause instanceof SessionMovedException); // a fenced write changed nothing
        }

        @Override
        public void failed(Throwable cause) {
            letGo(cause);
        }
    }

    /**
     * Runs a store write at the current epoch; when our own newer claim fenced it off (the client
     * resumed on this node while it was in flight), runs it again at the epoch that claim brings,
     * once its attach has taken it. A fenced write changed nothing, so running it again is safe.
     * When the store is unreachable, tries again for up to {@code storeOutageWait} (waits 100 ms
     * doubling to 1 s), first asking {@code applied} (if not null) whether the failed attempt took
     * effect after all; the connection stays open meanwhile.
     */
    private CompletionStage<Void> atCurrentEpoch(LongFunction<CompletionStage<Void>> write,
            @Nullable LongFunction<CompletionStage<Boolean>> applied) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        writeAtCurrentEpoch(write, applied, result, 0, 0);
        return result;
    }

    private void writeAtCurrentEpoch(LongFunction<CompletionStage<Void>> write,
            @Nullable LongFunction<CompletionStage<Boolean>> applied, CompletableFuture<Void> result, int retries,
            long outageEnds) {
        long used = epoch;
        write.apply(used).whenComplete((ok, error) -> {
            Throwable cause = error == null ? null : Stages.cause(error);
            if (cause instanceof SessionMovedException && ownClaimAfter(used)) {
                scheduler.execute(() -> afterAttach(() -> writeAtCurrentEpoch(write, applied, result, 0, 0), result));
            } else if (cause instanceof StoreUnavailableException) {
                scheduler.execute(() -> retryAfterOutage(write, applied, result, retries, outageEnds, used, cause));
            } else if (cause != null) {
                result.completeExceptionally(cause);
            } else {
                result.complete(null);
            }
        });
    }

    /** The store could not be reached: try again later, or give up once the outage lasted too long. Session thread. */
    private void retryAfterOutage(LongFunction<CompletionStage<Void>> write,
            @Nullable LongFunction<CompletionStage<Boolean>> applied, CompletableFuture<Void> result, int retries,
            long outageEnds, long used, Throwable cause) {
        long now = scheduler.nanoTime();
        long ends = outageEnds != 0 ? outageEnds : now + storeOutageWait.toNanos();
        if (ended || now - ends >= 0) {
            result.completeExceptionally(cause);
            return;
        }
        if (retries == 0) {
            log.warn("session {}: the store is unreachable ({}); trying again for up to {} ms", id, cause.getMessage(),
                    storeOutageWait.toMillis());
        }
        long delay = Math.min(TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(100) << Math.min(retries, 4));
        outageRetries.add(result);
        result.whenComplete((x, e) -> outageRetries.remove(result));
        scheduler.schedule(() -> {
            if (ended) {
                result.completeExceptionally(cause); // let go meanwhile: nothing more is written
                return;
            }
            if (applied == null) {
                writeAtCurrentEpoch(write, null, result, retries + 1, ends);
                return;
            }
            applied.apply(used).whenComplete((done, e) -> {
                if (e != null) {
                    scheduler.execute(() -> retryAfterOutage(write, applied, result, retries + 1, ends, used, Stages.cause(e)));
                } else if (done) {
                    result.complete(null);
                } else {
                    writeAtCurrentEpoch(write, applied, result, retries + 1, ends);
                }
            });
        }, Math.min(delay, Math.max(0, ends - now)));
    }

    /**
     * Runs {@code task} once the epoch of our latest claim is taken by its attach: now, or from
     * {@link #attach}; fails {@code orFail} if the session ends here first. Session thread.
     */
    private void afterAttach(Runnable task, CompletableFuture<Void> orFail) {
        if (ended) {
            orFail.completeExceptionally(new SessionMovedException(id, "session " + id + " ended here"));
        } else if (epoch >= claimedEpoch()) {
            task.run();
        } else {
            waitingForAttach.add(() -> afterAttach(task, orFail));
        }
    }

    /** Runs what waited for this epoch (or fails it, when the session ended). Session thread. */
    private void runWaitingForAttach() {
        if (waitingForAttach.isEmpty()) {
            return;
        }
        List<Runnable> waiting = List.copyOf(waitingForAttach);
        waitingForAttach.clear();
        waiting.forEach(Runnable::run);
    }

    long epoch() {
        return epoch;
    }

    synchronized long claimedEpoch() {
        return claimedEpoch;
    }

    /**
     * This node's claim reached {@code claimed}; any thread, called as soon as the store answers.
     * Returns whether nobody else claimed since this node last did (the live engine is current).
     */
    synchronized boolean noteClaim(long claimed) {
        boolean contiguous = claimed == Math.max(epoch, claimedEpoch) + 1;
        claimedEpoch = Math.max(claimedEpoch, claimed);
        return contiguous;
    }

    private synchronized boolean ownClaimAfter(long used) {
        return claimedEpoch > used;
    }

    /** A write that needs no repeat (detach, confirmToken) failed: fine if our own claim fenced it, else let go. */
    private void bookkeepingFailed(Throwable error, long used) {
        Throwable cause = Stages.cause(error);
        if (cause instanceof SessionMovedException && ownClaimAfter(used)) {
            return; // superseded by our own resume
        }
        scheduler.execute(() -> letGo(cause));
    }

    /**
     * This node cannot keep the session any more: it moved to another node (a claim there fenced us
     * off), the store lost it, or the store failed a write. Its connection is closed with 1013 and a
     * retry hint, so a client still on it resumes, here or elsewhere, from what the store has (or
     * gets a reset), and the attachment is dropped. Sends not yet stored fail. The application is told of a disconnect,
     * not an expiry: the session lives on in the store. Session thread.
     */
    void letGo(Throwable cause) {
        if (ended) {
            return;
        }
        ended = true;
        locals.remove(this);
        cancelTtl();
        boolean moved = cause instanceof SessionMovedException;
        WebSocketConnection c = engine.connection();
        // Writes still waiting out an outage fail first, as the outage's: an append among them may
        // have been applied, so its messages are reported in doubt, not as never sent.
        for (CompletableFuture<Void> retry : List.copyOf(outageRetries)) {
            retry.completeExceptionally(new StoreUnavailableException("the session was let go while the store was unreachable",
                    cause));
        }
        engine.reset(moved ? "the session moved to another node" : "the session store failed: " + cause.getMessage());
        runWaitingForAttach(); // they fail now: ended
        if (c != null) {
            guard("onSessionDisconnected", () -> listener.onSessionDisconnected(this, cause));
            // 1013 either way, so that a client still here comes back: when the session moved the
            // client is elsewhere already; when the store lost it (restarted empty) the client's
            // resume gets a reset; when the store is down it retries after the hint.
            c.close(CloseCodes.TRY_AGAIN_LATER, (moved ? "session moved or gone from the store; " : "session store unavailable; ")
                    + RetryAfter.format(moved ? Duration.ofMillis(100) : Duration.ofSeconds(1)));
        }
        log.info("session {}: let go ({})", id, cause.toString());
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** Binds {@code connection}: WELCOME first, then the replay. Session thread. */
    void attach(WebSocketConnection connection, boolean resumed, long peerLastReceived, byte[] newToken, long newEpoch) {
        if (ended) {
            connection.close(CloseCodes.TRY_AGAIN_LATER, "session moved; retry-after=100ms");
            return;
        }
        epoch = newEpoch;
        principal = connection.principal().orElse(null);
        runWaitingForAttach();
        String problem = resumed ? engine.resumeProblem(peerLastReceived) : null;
        if (problem != null) {
            // The token was good (the store rotated it), the position is not: the client lost
            // state. Refuse the connection; the session stays, detached, its time-to-live running.
            connection.close(CloseCodes.PROTOCOL_ERROR, CloseCodes.fitReason(problem));
            if (!engine.isAttached()) {
                startTtl();
            }
            return;
        }
        if (resumed) {
            awaitingConfirmation = connection;
        }
        cancelTtl();
        replacePrevious(connection);
        Frame.Welcome welcome = new Frame.Welcome(resumed, engine.lastReceived(), id,
                new String(newToken, StandardCharsets.US_ASCII), config.ttl().toMillis());
        connection.sendBinary(FrameCodec.encode(welcome).array());
        try {
            engine.attach(connection, resumed ? peerLastReceived : 0);
        } catch (ProtocolViolationException e) {
            connection.close(e.code(), CloseCodes.fitReason(String.valueOf(e.getMessage())));
            return;
        }
        LifecycleLog.sessionStarted(id, connection.id(), resumed);
        if (resumed) {
            guard("onSessionResumed", () -> listener.onSessionResumed(this));
        } else {
            guard("onSessionCreated", () -> listener.onSessionCreated(this));
        }
        if (!connection.isOpen()) {
            // It closed while the HELLO travelled to this session's loop, before the session knew
            // it: its close went unnoticed, so notice it now (a second report is a no-op).
            connectionEnded(connection, new io.tether.core.ConnectionClosedException(1006, "closed during the handshake"));
        }
    }

    /**
     * Detaches the connection still attached, if any: the client gave up on it (half-open after a
     * network change) and resumes on {@code newer}. The listener hears of it as a disconnect, before
     * the resume; the old connection's own end, reported later, finds it detached and is ignored.
     */
    private void replacePrevious(WebSocketConnection newer) {
        WebSocketConnection previous = engine.connection();
        if (previous == null || previous == newer) {
            return;
        }
        engine.detach(previous);
        ConnectionReplacedException cause = new ConnectionReplacedException(previous.id(), newer.id());
        guard("onSessionDisconnected", () -> listener.onSessionDisconnected(this, cause));
        previous.close(1000, "session resumed on another connection");
    }

    /**
     * A binary message of {@code connection}, valid during this call only; any thread. On the
     * session's own loop it is read in place; for another loop it is copied first.
     */
    void onFrame(WebSocketConnection connection, ByteBuffer view) {
        if (scheduler.inThread()) {
            handleFrame(connection, view);
        } else {
            ByteBuffer copy = ByteBuffer.allocate(view.remaining()).put(view.duplicate()).flip();
            scheduler.execute(() -> handleFrame(connection, copy));
        }
    }

    private void handleFrame(WebSocketConnection connection, ByteBuffer bytes) {
        if (awaitingConfirmation == connection) {
            // The client speaks on the new connection, so it read the WELCOME and its new token.
            awaitingConfirmation = null;
            long used = epoch;
            store.confirmToken(id, used).whenComplete((ok, error) -> {
                if (error != null) {
                    bookkeepingFailed(error, used);
                }
            });
        }
        try {
            engine.onFrame(connection, bytes);
        } catch (ProtocolViolationException e) {
            log.debug("session {}: {}", id, e.getMessage());
            connection.close(e.code(), CloseCodes.fitReason(String.valueOf(e.getMessage())));
        }
    }

    /** {@code connection} ended; any thread. Starts the time-to-live if it was the attached one. */
    void connectionEnded(WebSocketConnection connection, Throwable cause) {
        scheduler.execute(() -> {
            if (!engine.detach(connection) || ended) {
                return;
            }
            guard("onSessionDisconnected", () -> listener.onSessionDisconnected(this, cause));
            startTtl();
        });
    }

    /** Detached: the store gets the deadline (for any node to expire it), and this node's timer runs. */
    private void startTtl() {
        cancelTtl();
        long used = epoch;
        store.detach(id, used, clock.millis() + config.ttl().toMillis()).whenComplete((ok, error) -> {
            if (error != null) {
                bookkeepingFailed(error, used);
            }
        });
        ttlTimer = scheduler.schedule(this::expire, config.ttl().toNanos());
    }

    private void cancelTtl() {
        if (ttlTimer != null) {
            ttlTimer.cancel();
            ttlTimer = null;
        }
    }

    /**
     * The time-to-live passed here: the session expires if the store still has it under our epoch
     * (else it was resumed elsewhere, or another node expired it first, and we only let go).
     */
    private void expire() {
        ttlTimer = null;
        if (ended || engine.isAttached()) {
            return;
        }
        long at = epoch;
        store.remove(id, at).whenComplete((removed, error) -> scheduler.execute(() -> {
            if (ended || engine.isAttached() || epoch != at) {
                return;
            }
            if (error != null) {
                // The store is unreachable: try again in a second rather than forget the session.
                ttlTimer = scheduler.schedule(this::expire, Duration.ofSeconds(1).toNanos());
                return;
            }
            if (Boolean.TRUE.equals(removed)) {
                locals.remove(this);
                expired();
            } else if (!ownClaimAfter(at)) {
                // Another node resumed it, or expired it first (and told its application): this
                // node only lets go. When our own resume raised the epoch, its attach is on the way.
                ended = true;
                locals.remove(this);
                engine.reset("the session moved to or expired on another node");
                runWaitingForAttach();
            }
        }));
    }

    /** Unacknowledged messages in the replay buffer; a racy read, for gauges. */
    long replayBufferedMessages() {
        return engine.bufferedMessages();
    }

    /** Their payload bytes; a racy read, for gauges. */
    long replayBufferedBytes() {
        return engine.bufferedBytes();
    }

    /** Fails what was never acknowledged and tells the application, once. Session thread. */
    void expired() {
        ended = true;
        totals.expired.increment();
        runWaitingForAttach();
        SessionExpiredException reason = engine.reset("no resume within the session's time-to-live of "
                + config.ttl().toSeconds() + " s");
        LifecycleLog.sessionExpired(id, reason.unacknowledged().size());
        guard("onSessionExpired", () -> listener.onSessionExpired(this, reason));
    }


    private void guard(String callback, Runnable call) {
        CallbackGuard.run(log, this, callback, call);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isConnected() {
        return engine.isAttached();
    }

    @Override
    public Optional<WebSocketConnection> connection() {
        return Optional.ofNullable(engine.connection());
    }

    @Override
    public HandshakeRequest handshake() {
        return handshake;
    }

    @Override
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public CompletionStage<Void> sendText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        // An EncodedText's array is shared, not copied: the replay buffer never writes to a payload.
        return engine.send(false, Utf8Text.bytesOf(text));
    }

    @Override
    public void handledWhen(CompletionStage<?> work) {
        engine.holdHandled(work);
    }

    @Override
    public CompletionStage<Void> resendText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        return engine.send(false, true, Utf8Text.bytesOf(text));
    }

    @Override
    public CompletionStage<Void> sendBinary(byte[] data) {
        Objects.requireNonNull(data, "data");
        return engine.send(true, data.clone());
    }

    @Override
    public SessionStats stats() {
        return engine.stats();
    }

    @Override
    public String toString() {
        return "Session[" + id + "]";
    }
}
