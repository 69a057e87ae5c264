package io.tether.client.internal;

import io.tether.core.CloseCodes;
import io.tether.core.ProtocolViolationException;
import io.tether.core.SessionExpiredException;
import io.tether.core.WebSocketConnection;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.session.Scheduler;
import io.tether.core.internal.session.SessionCounters;
import io.tether.core.internal.session.SessionEngine;
import io.tether.core.session.SessionConfig;
import io.tether.core.session.SessionStats;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of a {@code tether.v1} session across reconnects: says HELLO on every new
 * connection, reads the WELCOME (resumed, or a new session — then the old one is reset and its
 * unacknowledged messages handed back), and runs the {@link SessionEngine}. Confined to the
 * socket's event loop.
 */
final class ClientSession {

    /** What a WELCOME meant: resumed, or a reset of the previous session (null for the first one). */
    record Welcome(boolean resumed, @Nullable SessionExpiredException reset) {
    }

    private final SessionConfig config;
    private final Scheduler scheduler;
    private final SessionEngine.Receiver receiver;
    private final SessionCounters counters;
    private SessionEngine engine;
    private String id = "";
    private String token = "";

    ClientSession(SessionConfig config, Scheduler scheduler, SessionEngine.Receiver receiver) {
        this(config, scheduler, receiver, new SessionCounters());
    }

    /** @param counters where the session's engines add what they replay, drop and fail (shared by a client's sockets) */
    ClientSession(SessionConfig config, Scheduler scheduler, SessionEngine.Receiver receiver, SessionCounters counters) {
        this.config = config;
        this.scheduler = scheduler;
        this.receiver = receiver;
        this.counters = counters;
        this.engine = new SessionEngine(config, scheduler, receiver, counters);
    }

    /** The HELLO for a new connection: this session's id, token and what we have received. */
    byte[] hello() {
        return FrameCodec.encode(new Frame.Hello(Frame.VERSION, engine.lastReceived(), id, token)).array();
    }

    /**
     * Handles the server's first frame on {@code connection}, which must be WELCOME, and attaches
     * the connection (replaying what the server has not received).
     *
     * @throws ProtocolViolationException when it is not a valid WELCOME
     */
    Welcome onWelcome(WebSocketConnection connection, byte[] data) {
        Frame frame = FrameCodec.decode(ByteBuffer.wrap(data));
        if (!(frame instanceof Frame.Welcome welcome)) {
            throw new ProtocolViolationException(CloseCodes.PROTOCOL_ERROR,
                    "tether.v1: expected WELCOME, got " + frame.getClass().getSimpleName().toUpperCase());
        }
        boolean resumed = welcome.resumed() && welcome.sessionId().equals(id);
        SessionEngine.Handover handover = null;
        if (!resumed && !id.isEmpty()) {
            handover = engine.handOver("the server did not resume session " + id
                    + ": it expired, the server restarted, or it refused the token", config.inDoubt());
            engine = new SessionEngine(config, scheduler, receiver, counters);
        }
        id = welcome.sessionId();
        token = welcome.token();
        engine.attach(connection, resumed ? welcome.lastReceived() : 0);
        if (handover != null) {
            // What was never written (and, with RESEND, what is in doubt) goes first, in order,
            // ahead of the outbox and of anything the application sends from now on.
            engine.adopt(handover.carried());
        }
        return new Welcome(resumed, handover == null ? null : handover.reason());
    }

    void onFrame(WebSocketConnection connection, byte[] data) {
        engine.onFrame(connection, data);
    }

    void detach(WebSocketConnection connection) {
        engine.detach(connection);
    }

    boolean isAttached() {
        return engine.isAttached();
    }

    CompletionStage<Void> send(boolean binary, byte[] payload) {
        return engine.send(binary, payload);
    }

    /** Ends the session for good (socket closed): unacknowledged sends fail (in doubt, or not delivered). */
    void close(String reason) {
        engine.reset(reason);
    }

    String id() {
        return id;
    }

    SessionStats stats() {
        return engine.stats();
    }
}
