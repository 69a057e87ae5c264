package io.tether.server.internal;

import io.netty.channel.EventLoop;
import io.tether.core.CloseCodes;
import io.tether.core.WebSocketConnection;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.session.SessionConfig;
import io.tether.netty.internal.EventLoopScheduler;
import io.tether.server.SessionListener;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Answers HELLO for one endpoint: resumes the named session when it exists and the token matches,
 * otherwise creates a new one — without saying why a resume failed (unknown, expired or wrong
 * token look the same), so a forged token learns nothing. Tokens are 128 random bits, compared in
 * constant time and rotated on every resume. Thread-safe.
 */
public final class SessionManager {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SessionConfig config;
    private final SessionListener listener;
    private final LocalSessions store;

    public SessionManager(SessionConfig config, SessionListener listener) {
        this.config = config;
        this.listener = listener;
        this.store = new LocalSessions();
    }

    /** A session by id, for sending to it from anywhere. */
    public Optional<? extends io.tether.server.Session> find(String id) {
        return store.find(id);
    }

    public int size() {
        return store.size();
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
        Optional<ServerSession> existing = hello.sessionId().isEmpty() ? Optional.empty() : store.find(hello.sessionId());
        if (existing.isEmpty()) {
            create(connection, loop, bound);
            return;
        }
        ServerSession session = existing.get();
        session.scheduler().execute(() -> {
            if (session.tokenMatches(hello.token())) {
                bound.accept(session);
                session.attach(connection, true, hello.lastReceived(), newSecret(),
                        hello.token().getBytes(StandardCharsets.US_ASCII));
            } else {
                loop.execute(() -> create(connection, loop, bound));
            }
        });
    }

    private void create(WebSocketConnection connection, EventLoop loop, Consumer<ServerSession> bound) {
        ServerSession session;
        do {
            session = new ServerSession(new String(newSecret(), StandardCharsets.US_ASCII), newSecret(),
                    new EventLoopScheduler(loop), config, listener, store, connection);
        } while (!store.add(session));
        bound.accept(session);
        session.attach(connection, false, 0, newSecret(), null);
    }

    /** 128 random bits, base64url: 22 ASCII characters. */
    private static byte[] newSecret() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return ENCODER.encode(bits);
    }
}
