package io.tether.server.internal;

import io.tether.core.CloseCodes;
import io.tether.core.HandshakeRequest;
import io.tether.core.ProtocolViolationException;
import io.tether.core.SessionExpiredException;
import io.tether.core.WebSocketConnection;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.session.Scheduler;
import io.tether.core.internal.session.SessionEngine;
import io.tether.core.session.Delivery;
import io.tether.core.session.SessionConfig;
import io.tether.core.session.SessionStats;
import io.tether.netty.internal.CallbackGuard;
import io.tether.server.ConnectionReplacedException;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-side session. All of its state lives on its {@link Scheduler}'s event loop (the loop
 * of the connection that created it); connections on other loops hand their frames over.
 */
final class ServerSession implements Session {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

    private final String id;
    private final Scheduler scheduler;
    private final SessionConfig config;
    private final SessionListener listener;
    private final LocalSessions store;
    private final SessionEngine engine;
    /** Of the connection that created the session; the references it already holds, no copies. */
    private final HandshakeRequest handshake;
    private final Map<String, Object> attributes;
    private byte[] token;
    /**
     * The token the client resumed with last time, still accepted until the client shows it
     * received the new one (its first frame after WELCOME): if that WELCOME is lost with its
     * connection, the client comes back with the old token, and must not lose its session for it.
     */
    private byte @Nullable [] previousToken;
    private @Nullable WebSocketConnection awaitingConfirmation;
    private Scheduler.@Nullable Cancellable ttlTimer;
    private boolean expired;

    ServerSession(String id, byte[] token, Scheduler scheduler, SessionConfig config, SessionListener listener,
            LocalSessions store, WebSocketConnection creator) {
        this.id = id;
        this.handshake = creator.handshake();
        this.attributes = creator.attributes();
        this.token = token;
        this.scheduler = scheduler;
        this.config = config;
        this.listener = listener;
        this.store = store;
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
                guard("onText", () -> listener.onText(ServerSession.this, text, delivery));
            }

            @Override
            public void onBinary(byte[] data, Delivery delivery) {
                guard("onBinary", () -> listener.onBinary(ServerSession.this, data, delivery));
            }
        });
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** Constant-time comparison, so timing reveals nothing about the stored tokens. Session thread. */
    boolean tokenMatches(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.US_ASCII);
        boolean current = MessageDigest.isEqual(token, p);
        boolean previous = previousToken != null && MessageDigest.isEqual(previousToken, p);
        return !expired && (current | previous);
    }

    /** Binds {@code connection}: WELCOME first, then the replay. Session thread. */
    void attach(WebSocketConnection connection, boolean resumed, long peerLastReceived, byte[] newToken,
            byte @Nullable [] presentedToken) {
        String problem = resumed ? engine.resumeProblem(peerLastReceived) : null;
        if (problem != null) {
            // Refused before anything changes: the session stays as it was, its time-to-live running.
            connection.close(CloseCodes.PROTOCOL_ERROR, CloseCodes.fitReason(problem));
            return;
        }
        if (resumed) {
            previousToken = presentedToken;
            awaitingConfirmation = connection;
        }
        token = newToken;
        if (ttlTimer != null) {
            ttlTimer.cancel();
            ttlTimer = null;
        }
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
            previousToken = null;
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
            if (!engine.detach(connection) || expired) {
                return;
            }
            guard("onSessionDisconnected", () -> listener.onSessionDisconnected(this, cause));
            ttlTimer = scheduler.schedule(this::expire, config.ttl().toNanos());
        });
    }

    private void expire() {
        ttlTimer = null;
        if (expired || engine.isAttached()) {
            return;
        }
        expired = true;
        store.remove(this);
        SessionExpiredException reason = engine.reset("no resume within the session's time-to-live of "
                + config.ttl().toSeconds() + " s");
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
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public CompletionStage<Void> sendText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        return engine.send(false, text.toString().getBytes(StandardCharsets.UTF_8));
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
