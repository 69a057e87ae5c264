package io.tether.client.internal;

import io.tether.core.CloseCodes;
import io.tether.core.ConnectFailedException;
import io.tether.core.ConnectionClosedException;
import io.tether.core.ProtocolViolationException;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.session.Scheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt of a socket and, once it opened, its connection — the session gate: for
 * {@code tether.v1} it says HELLO and waits (bounded) for the WELCOME before the connection counts
 * as ready; it refuses a node that does not speak {@code tether.v1} once the socket has a session;
 * it tells its {@link Owner} when the connection is ready, when it <em>worked</em> (something
 * arrived after it was ready, or it stayed up {@code workedAfter}), and when it ended — with the
 * reason when this side closed it. Events arrive on the socket's scheduler thread.
 */
final class ConnectionAttempt implements WebSocketListener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionAttempt.class);

    /** The socket this attempt works for. */
    interface Owner {
        /** Whether this is the socket's current attempt (events of abandoned ones are ignored). */
        boolean isCurrent(ConnectionAttempt attempt);

        /** Whether close() was called: a connection opening now is closed again at once. */
        boolean isEnding();

        /** Whether the socket had a tether.v1 session: then every connection must speak tether.v1. */
        boolean needsSession();

        /** The connection is ready for sends (plain: opened; tether.v1: welcomed). */
        void ready(ConnectionAttempt attempt, OrderedSender.Target target, ClientSession.@Nullable Welcome welcome);

        /** The connection worked: the outage it ended is over. */
        void worked(ConnectionAttempt attempt);

        /** A plain-mode message (tether.v1 messages go through the session). */
        void message(Object textOrBytes);

        /** The connection ended; {@code cause} is this side's reason when it closed it itself. */
        void ended(ConnectionAttempt attempt, WebSocketConnection connection, Throwable cause, boolean worked);
    }

    private final Owner owner;
    private final @Nullable ClientSession session;
    private final Scheduler scheduler;
    private final Duration welcomeTimeout;
    private final Duration workedAfter;
    private @Nullable WebSocketConnection connection;
    private boolean awaitingWelcome;
    private boolean worked;
    /** Why we closed it ourselves (no WELCOME, wrong subprotocol, protocol error): reported instead of our own close code. */
    private @Nullable Throwable localCause;
    private Scheduler.@Nullable Cancellable welcomeTimer;
    private Scheduler.@Nullable Cancellable workedTimer;

    ConnectionAttempt(Owner owner, @Nullable ClientSession session, Scheduler scheduler, Duration welcomeTimeout,
            Duration workedAfter) {
        this.owner = owner;
        this.session = session;
        this.scheduler = scheduler;
        this.welcomeTimeout = welcomeTimeout;
        this.workedAfter = workedAfter;
    }

    /** The connection, once it opened (also while it waits for its WELCOME). */
    @Nullable WebSocketConnection connection() {
        return connection;
    }

    @Override
    public void onOpen(WebSocketConnection c) {
        if (!owner.isCurrent(this) || owner.isEnding()) {
            c.close(CloseCodes.GOING_AWAY, "socket closed");
            return;
        }
        connection = c;
        if (session != null && Frame.SUBPROTOCOL.equals(c.subprotocol())) {
            sayHello(c, session);
        } else if (owner.needsSession()) {
            // The session needs tether.v1 and this server (or the node a balancer picked) does not
            // speak it: a failed attempt, not the server's verdict on us.
            closeLocally(new ConnectFailedException(ConnectFailedException.Kind.HANDSHAKE,
                    "tether.v1 session, but the server did not select tether.v1", null));
        } else {
            becameReady(plainTarget(c), null);
        }
    }

    private void sayHello(WebSocketConnection c, ClientSession s) {
        awaitingWelcome = true;
        c.sendBinary(s.hello());
        welcomeTimer = scheduler.schedule(() -> {
            if (owner.isCurrent(this) && awaitingWelcome) {
                closeLocally(new ConnectFailedException(ConnectFailedException.Kind.TIMED_OUT,
                        "tether.v1: no WELCOME within " + welcomeTimeout.toMillis() + " ms", null));
            }
        }, welcomeTimeout.toNanos());
    }

    private void closeLocally(Throwable cause) {
        if (localCause == null) {
            localCause = cause;
        }
        WebSocketConnection c = connection;
        if (c != null) {
            int code = cause instanceof ProtocolViolationException p ? p.code() : CloseCodes.PROTOCOL_ERROR;
            c.close(code, CloseCodes.fitReason(String.valueOf(cause.getMessage())));
        }
    }

    @Override
    public void onText(WebSocketConnection c, String text) {
        if (!owner.isCurrent(this)) {
            return;
        }
        if (Frame.SUBPROTOCOL.equals(c.subprotocol())) {
            closeLocally(new ProtocolViolationException(CloseCodes.UNSUPPORTED_DATA, "tether.v1 carries binary frames only"));
        } else {
            markWorked();
            owner.message(text);
        }
    }

    @Override
    public void onBinary(WebSocketConnection c, byte[] data) {
        if (!owner.isCurrent(this)) {
            return;
        }
        if (session == null || !Frame.SUBPROTOCOL.equals(c.subprotocol())) {
            markWorked();
            owner.message(data);
            return;
        }
        try {
            if (awaitingWelcome) {
                ClientSession.Welcome welcome = session.onWelcome(c, data);
                awaitingWelcome = false;
                cancel(welcomeTimer);
                becameReady(sessionTarget(session), welcome);
            } else {
                markWorked();
                session.onFrame(c, data);
            }
        } catch (ProtocolViolationException e) {
            log.debug("{} {}", c.id(), e.getMessage());
            closeLocally(e);
        }
    }

    private void becameReady(OrderedSender.Target target, ClientSession.@Nullable Welcome welcome) {
        workedTimer = scheduler.schedule(() -> {
            if (owner.isCurrent(this)) {
                markWorked();
            }
        }, workedAfter.toNanos());
        owner.ready(this, target, welcome);
    }

    private void markWorked() {
        if (!worked) {
            worked = true;
            cancel(workedTimer);
            owner.worked(this);
        }
    }

    @Override
    public void onClosed(WebSocketConnection c, int code, String reason) {
        ended(c, new ConnectionClosedException(code, reason));
    }

    @Override
    public void onFailure(WebSocketConnection c, Throwable cause) {
        ended(c, cause);
    }

    private void ended(WebSocketConnection c, Throwable cause) {
        cancel(welcomeTimer);
        cancel(workedTimer);
        if (owner.isCurrent(this)) {
            owner.ended(this, c, localCause != null ? localCause : cause, worked);
        }
    }

    private static OrderedSender.Target plainTarget(WebSocketConnection c) {
        return new OrderedSender.Target() {
            @Override
            public CompletionStage<Void> send(Object payload) {
                return payload instanceof String text ? c.sendText(text) : c.sendBinary((byte[]) payload);
            }

            @Override
            public boolean isUsable() {
                return c.isOpen();
            }
        };
    }

    private static OrderedSender.Target sessionTarget(ClientSession s) {
        return new OrderedSender.Target() {
            @Override
            public CompletionStage<Void> send(Object payload) {
                return payload instanceof String text ? s.send(false, text.getBytes(StandardCharsets.UTF_8))
                        : s.send(true, (byte[]) payload);
            }

            @Override
            public boolean isUsable() {
                return s.isAttached();
            }
        };
    }

    private static void cancel(Scheduler.@Nullable Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    @Override
    public String toString() {
        return "ConnectionAttempt[" + (connection == null ? "connecting" : Objects.toString(connection.id())) + "]";
    }
}
