package io.tether.server.internal;

import io.netty.channel.EventLoop;
import io.tether.core.CloseCodes;
import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import io.tether.core.WebSocketConnection;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.session.Stages;
import io.tether.core.reconnect.RetryAfter;
import io.tether.core.session.SessionConfig;
import io.tether.netty.internal.EventLoopScheduler;
import io.tether.server.SessionListener;
import io.tether.server.store.SessionMovedException;
import io.tether.server.store.SessionState;
import io.tether.server.store.SessionStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers HELLO for one endpoint: resumes the named session when the store's token check passes,
 * otherwise creates a new one — without saying why a resume failed (unknown, expired or wrong
 * token look the same), so a forged token learns nothing. Tokens are 128 random bits, rotated on
 * every resume by the store's compare-and-set ({@link SessionStore#claim}). A session this node
 * held until the claim continues with its live engine; one that another node or process held
 * continues from the stored state (shared stores only). Thread-safe.
 */
public final class SessionManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Duration STORE_RETRY_HINT = Duration.ofSeconds(1);

    private final String path;
    private final SessionConfig config;
    private final SessionListener listener;
    private final SessionStore store;
    private final String nodeId;
    private final Clock clock;
    private final Duration storeOutageWait;
    /** Sessions held here beyond which a new one is refused; 0 for no limit. */
    private final int maxSessions;
    private final LocalSessions locals = new LocalSessions();
    private final EndpointTotals totals = new EndpointTotals();
    private volatile boolean storeReachable = true;

    public SessionManager(String path, SessionConfig config, SessionListener listener, SessionStore store,
            String nodeId, Clock clock, Duration storeOutageWait, int maxSessions) {
        this.storeOutageWait = storeOutageWait;
        this.maxSessions = maxSessions;
        this.path = path;
        this.config = config;
        this.listener = listener;
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /** A session held on this node, by id, for sending to it. */
    public Optional<? extends io.tether.server.Session> find(String id) {
        return locals.find(id);
    }

    /**
     * Whether the last lease renewal reached the store (always true for a store that is not shared,
     * which is never renewed): readiness ({@code /health/ready}) says 503 while it did not.
     */
    public boolean storeReachable() {
        return storeReachable;
    }

    /** Whether the store is shared between nodes (then sessions of dead nodes are swept). */
    public boolean sharedStore() {
        return store.shared();
    }

    /** Client messages delivered here flagged as possible duplicates (see ServerStats). */
    public long flaggedDeliveries() {
        return totals.flagged.sum();
    }

    /** Sessions created here (first HELLOs, and resumes that could not be honoured). */
    public long created() {
        return totals.created.sum();
    }

    /** Resumes honoured here. */
    public long resumed() {
        return totals.resumed.sum();
    }

    /** HELLOs naming a session that could not be resumed: the client got a new session. */
    public long resumeFailed() {
        return totals.resumeFailed.sum();
    }

    /** Sessions held on this node. */
    public int size() {
        return locals.size();
    }

    /** This endpoint's running totals. */
    EndpointTotals totals() {
        return totals;
    }

    /** Sessions held on this node with no connection now (waiting for a resume); counted, so O(sessions). */
    public int detached() {
        return locals.countDetached();
    }

    /** Unacknowledged messages and their bytes in the replay buffers of the sessions held here; O(sessions). */
    public long[] replayBuffered() {
        return locals.replayBuffered();
    }

    /**
     * Handles the HELLO of {@code connection} (on {@code loop}); {@code bound} is told the session
     * before WELCOME is written, so frames that follow WELCOME find it.
     */
    void onHello(WebSocketConnection connection, EventLoop loop, Frame.Hello hello, Consumer<ServerSession> bound) {
        if (hello.version() != Frame.VERSION) {
            connection.close(CloseCodes.PROTOCOL_ERROR, "unsupported tether.v1 version " + hello.version()
                    + "; this server speaks " + Frame.VERSION);
            return;
        }
        if (hello.sessionId().isEmpty()) {
            create(connection, loop, bound);
            return;
        }
        byte[] newToken = newSecret();
        long helloAt = loop.ticker().nanoTime();
        // The store compares tokens bound to the principal: another principal's resume is a forgery.
        Optional<Principal> principal = connection.principal();
        store.claim(hello.sessionId(), TokenBinding.bind(hello.token().getBytes(StandardCharsets.US_ASCII), principal),
                        TokenBinding.bind(newToken, principal), nodeId)
                .whenComplete((claimed, error) -> {
                    // Noted here, on the store's thread, before any hop: a write of the session that
                    // our claim fences off is answered after it, and must see it was our own.
                    Optional<ServerSession> local = claimed == null || claimed.isEmpty() ? Optional.empty()
                            : locals.find(claimed.get().id());
                    boolean current = local.isPresent() && (local.get().noteClaim(claimed.get().epoch()) || !store.shared());
                    loop.execute(() -> {
                        if (error != null) {
                            storeFailed(connection, error);
                        } else if (claimed.isEmpty()) {
                            totals.resumeFailed.increment();
                            create(connection, loop, bound);
                        } else {
                            resume(connection, loop, hello, claimed.get(), newToken, local, current, bound, helloAt);
                        }
                    });
                });
    }

    /**
     * @param local this node's attachment of the session, if it has one
     * @param current whether that attachment's engine is current: no other node claimed the
     *     session since this node last did (always, with a store that is not shared)
     */
    private void resume(WebSocketConnection connection, EventLoop loop, Frame.Hello hello, SessionState claimed,
            byte[] newToken, Optional<ServerSession> local, boolean current, Consumer<ServerSession> bound,
            long helloAt) {
        if (local.isPresent() && claimed.epoch() < local.get().claimedEpoch()) {
            // A newer resume of this session on this node overtook this one: that one attaches.
            connection.close(CloseCodes.TRY_AGAIN_LATER, "superseded by a newer resume; retry-after=100ms");
            return;
        }
        if (local.isPresent() && current) {
            // This node held it until now: the live engine is current, nobody wrote in between.
            ServerSession session = local.get();
            totals.resumed.increment();
            session.scheduler().execute(() -> {
                bound.accept(session);
                session.attach(connection, true, hello.lastReceived(), newToken, claimed.epoch());
                totals.resumeTook(loop.ticker().nanoTime() - helloAt);
            });
            return;
        }
        local.ifPresent(stale -> stale.scheduler().execute(() -> stale.letGo(
                new SessionMovedException(stale.id(), "claimed again at epoch " + claimed.epoch()))));
        if (!store.shared()) {
            // A memory store has no state for a session without its live engine (expiring as we speak).
            totals.resumeFailed.increment();
            create(connection, loop, bound);
            return;
        }
        ServerSession session = new ServerSession(claimed.id(), claimed.epoch(), new EventLoopScheduler(loop), config,
                listener, locals, totals, store, clock, storeOutageWait, connection.handshake(), connection.attributes(), claimed);
        locals.replace(session);
        totals.resumed.increment();
        bound.accept(session);
        session.attach(connection, true, hello.lastReceived(), newToken, claimed.epoch());
        totals.resumeTook(loop.ticker().nanoTime() - helloAt);
    }

    private void create(WebSocketConnection connection, EventLoop loop, Consumer<ServerSession> bound) {
        if (maxSessions > 0 && locals.size() >= maxSessions) {
            log.debug("{}: {} sessions held, the limit; refusing a new one", path, maxSessions);
            totals.refused.increment();
            connection.close(CloseCodes.TRY_AGAIN_LATER, "too many sessions on this server; retry-after=5s");
            return;
        }
        String id = new String(newSecret(), StandardCharsets.US_ASCII);
        byte[] token = newSecret();
        store.create(SessionState.created(id, TokenBinding.bind(token, connection.principal()), nodeId, config.ttl()))
                .whenComplete((created, error) ->
                loop.execute(() -> {
                    if (error != null) {
                        storeFailed(connection, error);
                    } else if (!created) {
                        create(connection, loop, bound); // 128 random bits collided: draw again
                    } else {
                        ServerSession session = new ServerSession(id, 1, new EventLoopScheduler(loop), config, listener,
                                locals, totals, store, clock, storeOutageWait, connection.handshake(), connection.attributes(), null);
                        locals.replace(session);
                        totals.created.increment();
                        bound.accept(session);
                        session.attach(connection, false, 0, token, 1);
                    }
                }));
    }

    /** The store failed a handshake step: the client is asked to come back (1013 with a hint), nothing changed. */
    private void storeFailed(WebSocketConnection connection, Throwable error) {
        Throwable cause = Stages.cause(error);
        log.warn("{}: session store failed during a handshake: {}", path, cause.toString());
        connection.close(CloseCodes.TRY_AGAIN_LATER, "session store unavailable; " + RetryAfter.format(STORE_RETRY_HINT));
    }

    /**
     * This node is alive for {@code lease} more (a shared store only): until then no other node
     * treats the sessions attached here as detached. A failure is logged; the next renewal tries
     * again.
     */
    public CompletionStage<Void> renewLease(Duration lease) {
        return store.renewLease(nodeId, clock.millis() + lease.toMillis()).whenComplete((ok, error) -> {
            storeReachable = error == null;
            if (error != null) {
                log.warn("{}: could not renew the lease of {}; if that lasts, other nodes expire the sessions attached"
                        + " here: {}", path, nodeId, Stages.cause(error).toString());
            }
        });
    }

    /**
     * Expires sessions whose deadline passed more than {@code grace} ago and that no live node
     * expired itself (their node died): each is handed to this node's listener once, across all
     * nodes. First gives the sessions still attached on nodes whose lease ended a deadline
     * ({@link SessionStore#orphan}): the lease end plus their TTL. A shared store only; returns how
     * many it expired.
     */
    public CompletionStage<Integer> sweep(Duration grace, EventLoop loop) {
        return store.orphan(clock.millis(), 100).handle((orphaned, error) -> {
            if (error != null) {
                log.debug("{}: orphaning the sessions of dead nodes failed; the next sweep tries again: {}", path,
                        Stages.cause(error).toString());
            }
            return null;
        }).thenCompose(x -> store.takeExpired(clock.millis() - grace.toMillis(), 100)).thenApply(expired -> {
            for (SessionState s : expired) {
                HandshakeRequest placeholder = HandshakeRequest.builder().path(path).build();
                ServerSession ghost = new ServerSession(s.id(), s.epoch(), new EventLoopScheduler(loop), config, listener,
                        locals, totals, store, clock, storeOutageWait, placeholder, Map.of(), s);
                loop.execute(ghost::expired);
            }
            return expired.size();
        });
    }

    /** 128 random bits, base64url: 22 ASCII characters. */
    private static byte[] newSecret() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return ENCODER.encode(bits);
    }

    /**
     * Closes the store this manager opened. With a shared store, first ends this node's lease now:
     * a session the stop could not detach (its store write failed) is treated as detached now, not
     * when the lease would have run out.
     */
    @Override
    public void close() {
        if (store.shared()) {
            store.renewLease(nodeId, clock.millis());
        }
        store.close();
    }


    @Override
    public String toString() {
        return "SessionManager[" + path + " on " + nodeId + ", " + (store.shared() ? "shared" : "memory") + " store]";
    }
}
