package io.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.client.ClientConfig;
import io.tether.client.Disconnect;
import io.tether.client.SocketListener;
import io.tether.client.SocketState;
import io.tether.client.TetherSocket;
import io.tether.core.CloseCodes;
import io.tether.core.ConnectFailedException;
import io.tether.core.ConnectionClosedException;
import io.tether.core.InDoubtException;
import io.tether.core.MessageExpiredException;
import io.tether.core.ProtocolViolationException;
import io.tether.core.SessionExpiredException;
import io.tether.core.UnacknowledgedMessage;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.testing.FakeScheduler;
import io.tether.core.outbox.OutboxConfig;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectFailedException;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.session.SessionConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The reconnect loop in virtual time, against a scripted server: no sockets, no threads, exact. */
class ReconnectingSocketTest {
    private static final URI URI_ = URI.create("ws://127.0.0.1:1/x");
    private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(10);

    private final FakeScheduler clock = new FakeScheduler();
    private final FakeServer server = new FakeServer();
    private final Recorder events = new Recorder();

    private ReconnectingSocket socket(ClientConfig config) {
        ReconnectingSocket s = ReconnectingSocket.create(URI_, server, config, new Random(7), clock, events);
        s.start();
        return s;
    }

    private static ClientConfig.Builder plain() {
        return ClientConfig.builder().reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.constant(Duration.ofMillis(100))).build());
    }

    private static ClientConfig.Builder sessions() {
        return plain().resumable(true);
    }

    /** Accepts the pending attempt as tether.v1 and welcomes it. */
    private FakeServer.Link acceptSession(boolean resumed, String id) {
        FakeServer.Link link = server.nextDial().accept(Frame.SUBPROTOCOL);
        assertThat(link.frames.get(0)).isInstanceOf(Frame.Hello.class);
        link.welcome(resumed, id, link.hello().lastReceived());
        return link;
    }

    // ---- 1. order -------------------------------------------------------------------------------

    @Test
    void sendInsideOnOpen_queuesBehindEarlierSends_inSessionMode() {
        // Before the fix the server received [B, A1, A2]: session mode was set before onOpen and the
        // outbox was flushed after it, and a send went straight to the session past a full outbox.
        events.onOpen = s -> s.sendText("B");
        TetherSocket s = socket(sessions().build());
        s.sendText("A1");
        s.sendText("A2");
        acceptSession(false, "s1");
        assertThat(server.received).containsExactly("A1", "A2", "B");
    }

    @Test
    void sendInsideOnOpen_queuesBehindEarlierSends_inPlainMode() {
        events.onOpen = s -> s.sendText("B");
        TetherSocket s = socket(plain().build());
        s.sendText("A1");
        s.sendText("A2");
        server.nextDial().accept(null);
        assertThat(server.received).containsExactly("A1", "A2", "B");
    }

    @Test
    void sendsWhileDisconnected_inSessionMode_goAfterTheReplay_inOrder() {
        TetherSocket s = socket(sessions().build());
        FakeServer.Link first = acceptSession(false, "s1");
        s.sendText("m1");
        first.reset();
        s.sendText("m2");
        clock.advanceMillis(100);
        FakeServer.Link second = server.nextDial().accept(Frame.SUBPROTOCOL);
        assertThat(second.hello().lastReceived()).isZero();
        second.welcome(true, "s1", 0);
        assertThat(second.frames.stream().filter(Frame.Data.class::isInstance).map(f -> ((Frame.Data) f).seq()))
                .containsExactly(1L, 2L);
        assertThat(server.received).containsExactly("m1", "m1", "m2");
    }

    // ---- 2. backoff per outage ------------------------------------------------------------------

    @Test
    void everyOutageAfterAWorkingConnection_startsAFreshSequence() {
        ClientConfig config = ClientConfig.builder().reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30))).maxAttempts(3).build()).build();
        socket(config);
        FakeServer.Link link = server.nextDial().accept(null);
        for (int fault = 0; fault < 6; fault++) {
            link.textToClient("hello"); // the connection worked
            link.reset();
            Disconnect d = events.disconnects.get(events.disconnects.size() - 1);
            assertThat(d.attempt()).as("fault %d", fault).isEqualTo(1);
            assertThat(d.nextDelay()).contains(Duration.ofMillis(100));
            clock.advanceMillis(100);
            link = server.nextDial().accept(null);
        }
        // Before the fix maxAttempts(3) gave up at the fourth brief drop, each repaired at once.
        assertThat(events.reconnected).containsOnly(1);
        assertThat(events.closed).isNull();
    }

    @Test
    void aConnectionThatDropsBeforeItWorked_continuesTheOutage() {
        ClientConfig config = ClientConfig.builder().reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30))).build()).build();
        socket(config);
        server.nextDial().accept(null).reset();
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Disconnect d = events.disconnects.get(events.disconnects.size() - 1);
            delays.add(d.nextDelay().orElseThrow());
            clock.advanceMillis(d.nextDelay().orElseThrow().toMillis());
            server.nextDial().accept(null).reset(); // accepted and dropped at once: never worked
        }
        assertThat(delays).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofMillis(800), Duration.ofMillis(1600));
    }

    @Test
    void aQuietConnection_worksAfterResetAfter() {
        ClientConfig config = ClientConfig.builder().reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30)))
                .resetAfter(Duration.ofSeconds(2)).build()).build();
        socket(config);
        server.nextDial().accept(null).reset();
        clock.advanceMillis(100);
        FakeServer.Link quiet = server.nextDial().accept(null);
        clock.advanceMillis(1999);
        quiet.reset();
        assertThat(events.lastDisconnect().attempt()).isEqualTo(2);
        clock.advanceMillis(200);
        FakeServer.Link longer = server.nextDial().accept(null);
        clock.advanceMillis(2000);
        longer.reset();
        assertThat(events.lastDisconnect().attempt()).isEqualTo(1);
    }

    @Test
    void maxElapsed_countsTheOutageOnly_notTimeSpentConnected() {
        ClientConfig config = ClientConfig.builder().reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.constant(Duration.ofMillis(100))).maxElapsed(Duration.ofSeconds(1)).build()).build();
        socket(config);
        FakeServer.Link link = server.nextDial().accept(null);
        link.textToClient("x");
        clock.advanceMillis(60_000); // a minute connected
        link.reset();
        clock.advanceMillis(100);
        server.nextDial().refuse();
        assertThat(events.closed).isNull();
        assertThat(events.lastDisconnect().willRetry()).isTrue();
        int attempts = 1;
        while (events.closed == null && attempts < 50) {
            clock.advanceMillis(100);
            server.nextDial().refuse();
            attempts++;
        }
        // One second of outage at 100 ms per attempt: the minute spent connected did not count.
        assertThat(attempts).isBetween(10, 11);
        assertThat(events.closed.cause()).isInstanceOf(ReconnectFailedException.class);
    }

    @Test
    void inSessionMode_anyFrameAfterTheWelcome_endsTheOutage() {
        ClientConfig config = sessions().reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30))).build()).build();
        socket(config);
        acceptSession(false, "s1").reset(); // welcomed, but nothing after: not worked
        clock.advanceMillis(100);
        FakeServer.Link second = acceptSession(true, "s1");
        assertThat(events.lastDisconnect().attempt()).isEqualTo(1);
        second.reset();
        assertThat(events.lastDisconnect().attempt()).isEqualTo(2);
        clock.advanceMillis(200);
        FakeServer.Link third = acceptSession(true, "s1");
        third.ackAll();
        third.reset();
        assertThat(events.lastDisconnect().attempt()).isEqualTo(1);
    }

    // ---- 3. never-written messages survive a reset; written ones are in doubt -------------------

    @Test
    void sessionReset_carriesNeverWrittenSends_andFailsInDoubtOnes() {
        TetherSocket s = socket(sessions().build());
        FakeServer.Link first = acceptSession(false, "old");
        CompletableFuture<Void> written = s.sendText("written").toCompletableFuture();
        first.reset();
        CompletableFuture<Void> queued = s.sendText("queued").toCompletableFuture();
        clock.advanceMillis(100);
        FakeServer.Link second = acceptSession(false, "new"); // the server lost the session
        assertThat(events.resets).hasSize(1);
        SessionExpiredException reset = events.resets.get(0);
        assertThat(reset.unacknowledged()).extracting(UnacknowledgedMessage::text, UnacknowledgedMessage::fate)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("written", UnacknowledgedMessage.Fate.FAILED));
        assertThat(written).isCompletedExceptionally();
        assertThat(written.handle((v, e) -> e).join()).isInstanceOf(InDoubtException.class);
        assertThat(server.received).containsExactly("written", "queued");
        second.ackAll();
        assertThat(queued).isCompleted();
    }

    @Test
    void sessionReset_withResend_sendsInDoubtMessagesAgain_flagged() {
        TetherSocket s = socket(sessions().sessions(SessionConfig.builder().inDoubt(SessionConfig.InDoubt.RESEND).build()).build());
        FakeServer.Link first = acceptSession(false, "old");
        CompletableFuture<Void> written = s.sendText("written").toCompletableFuture();
        first.reset();
        clock.advanceMillis(100);
        FakeServer.Link second = acceptSession(false, "new");
        assertThat(server.received).containsExactly("written", "written (possible duplicate)");
        second.ackAll();
        assertThat(written).isCompleted();
        assertThat(events.resets.get(0).unacknowledged()).extracting(UnacknowledgedMessage::fate)
                .containsExactly(UnacknowledgedMessage.Fate.RESENT);
    }

    // ---- 5. our own protocol closes are failed attempts, not the server's verdict ---------------

    @Test
    void theDelayRunsFromTheStartOfTheFailedAttempt_notFromItsFailure() {
        ClientConfig config = ClientConfig.builder().reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30))).build()).build();
        socket(config);
        server.nextDial().accept(null).reset(); // never worked: next delay 100 ms, waited in full
        assertThat(events.lastDisconnect().nextDelay()).contains(Duration.ofMillis(100));
        clock.advanceMillis(100);
        FakeServer.PendingDial hung = server.nextDial(); // an attempt into a blackhole: reset 150 ms later
        clock.advanceMillis(150);
        hung.fail(new ConnectionClosedException(CloseCodes.ABNORMAL, "connection reset"));
        assertThat(events.lastDisconnect().backoff()).contains(Duration.ofMillis(200));
        assertThat(events.lastDisconnect().nextDelay()).as("200 ms drawn, 150 ms already spent in the attempt")
                .contains(Duration.ofMillis(50));
        clock.advanceMillis(50);
        FakeServer.PendingDial slower = server.nextDial(); // the next one hangs longer than its 400 ms
        clock.advanceMillis(500);
        slower.fail(new ConnectionClosedException(CloseCodes.ABNORMAL, "connection reset"));
        assertThat(events.lastDisconnect().nextDelay()).contains(Duration.ZERO);
        assertThat(events.lastDisconnect().attempt()).isEqualTo(3);
        clock.advanceMillis(0);
        server.nextDial().accept(null).reset(); // opened, then dropped: its time connected is not credited
        assertThat(events.lastDisconnect().nextDelay()).contains(Duration.ofMillis(800));
    }

    @Test
    void aConnectionThatOpenedAndDropped_keepsItsFullDelay_itsTimeConnectedIsNotCredited() {
        ClientConfig config = ClientConfig.builder().reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30))).build()).build();
        socket(config);
        FakeServer.Link link = server.nextDial().accept(null);
        clock.advanceMillis(1500); // up, quiet, shorter than resetAfter: did not work
        link.reset();
        assertThat(events.lastDisconnect().nextDelay()).contains(Duration.ofMillis(100));
    }

    @Test
    void aServersRetryHint_isWaitedInFull_fromWhenItCame() {
        socket(plain().build());
        FakeServer.Link link = server.nextDial().accept(null);
        clock.advanceMillis(1500);
        link.closeFromServer(CloseCodes.TRY_AGAIN_LATER, "retry-after=2000ms");
        assertThat(events.lastDisconnect().nextDelay().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void welcomeTimeout_isAFailedAttempt_andIsRetried() {
        socket(sessions().build());
        FakeServer.Link silent = server.nextDial().accept(Frame.SUBPROTOCOL);
        clock.advanceMillis(WELCOME_TIMEOUT.toMillis());
        assertThat(silent.closedWith).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        Disconnect d = events.lastDisconnect();
        assertThat(d.willRetry()).as("before the fix: 'closed by the server with 1002', terminal").isTrue();
        assertThat(d.cause()).isInstanceOfSatisfying(ConnectFailedException.class,
                e -> assertThat(e.kind()).isEqualTo(ConnectFailedException.Kind.TIMED_OUT));
        assertThat(events.closed).isNull();
    }

    @Test
    void aNodeThatDoesNotSpeakTetherV1_inSessionMode_isRetried() {
        socket(sessions().build());
        acceptSession(false, "s1").reset();
        clock.advanceMillis(100);
        FakeServer.Link plainNode = server.nextDial().accept(null);
        assertThat(plainNode.closedWith).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        assertThat(events.lastDisconnect().willRetry()).isTrue();
        assertThat(events.lastDisconnect().cause()).isInstanceOf(ConnectFailedException.class);
        clock.advanceMillis(100);
        acceptSession(true, "s1");
        assertThat(events.closed).isNull();
    }

    @Test
    void aSessionProtocolViolationWeDetected_isRetried() {
        socket(sessions().build());
        FakeServer.Link link = acceptSession(false, "s1");
        link.toClient(new Frame.Welcome(false, 0, "s1", "t", 1)); // a second WELCOME
        assertThat(link.closedWith).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        assertThat(events.lastDisconnect().cause()).isInstanceOf(ProtocolViolationException.class);
        assertThat(events.lastDisconnect().willRetry()).isTrue();
    }

    @Test
    void theServersOwn1002_isStillTerminal() {
        socket(sessions().build());
        acceptSession(false, "s1").closeFromServer(CloseCodes.PROTOCOL_ERROR, "you broke it");
        assertThat(events.lastDisconnect().willRetry()).isFalse();
        assertThat(events.closed.cause()).isInstanceOf(ConnectionClosedException.class);
    }

    // ---- 6. session mode honours the outbox's settings ------------------------------------------

    @Test
    void sessionMode_expireAfter_failsAMessageStillQueuedAfterTheOutage() {
        TetherSocket s = socket(sessions().build());
        acceptSession(false, "s1").reset();
        CompletableFuture<Void> late = s.sendText("stale", Duration.ofMillis(50)).toCompletableFuture();
        CompletableFuture<Void> kept = s.sendText("kept").toCompletableFuture();
        clock.advanceMillis(100);
        acceptSession(true, "s1");
        assertThat(late.handle((v, e) -> e).join()).isInstanceOf(MessageExpiredException.class);
        assertThat(kept).isNotCompletedExceptionally();
        assertThat(server.received).containsExactly("kept");
    }

    @Test
    void sessionMode_rejectWhileDisconnected_failsSendsAtOnce() {
        TetherSocket s = socket(sessions().outbox(OutboxConfig.builder()
                .whileDisconnected(OutboxConfig.DisconnectedBehavior.REJECT).build()).build());
        acceptSession(false, "s1").reset();
        CompletableFuture<Void> rejected = s.sendText("x").toCompletableFuture();
        assertThat(rejected.handle((v, e) -> e).join()).isInstanceOf(ConnectionClosedException.class)
                .hasMessageContaining("REJECT");
    }

    // ---- events and close ----------------------------------------------------------------------

    @Test
    void eventOrder_onReconnect_isReconnectedThenResumed_andOnResetReconnectedThenReset() {
        socket(sessions().build());
        acceptSession(false, "s1").reset();
        clock.advanceMillis(100);
        acceptSession(true, "s1").reset();
        clock.advanceMillis(100);
        acceptSession(false, "s2");
        // The resumed connection dropped before anything arrived on it: the same outage, attempt 2.
        assertThat(events.log).containsExactly("open", "disconnected", "reconnecting 1", "reconnected 1", "resumed",
                "disconnected", "reconnecting 2", "reconnected 2", "reset");
    }

    @Test
    void closeWhileAwaitingWelcome_closesTheConnection_andEndsOnce() {
        TetherSocket s = socket(sessions().build());
        FakeServer.Link link = server.nextDial().accept(Frame.SUBPROTOCOL);
        s.close();
        assertThat(link.closedWith).isEqualTo(CloseCodes.NORMAL);
        assertThat(s.state()).isEqualTo(SocketState.CLOSED);
        link.welcome(false, "late", 0);
        assertThat(events.log).containsExactly("closed");
        assertThat(server.pendingDials()).isZero();
    }

    /** Records events; {@code onOpen} may act. */
    static final class Recorder implements SocketListener {
        final List<String> log = new ArrayList<>();
        final List<Disconnect> disconnects = new ArrayList<>();
        final List<Integer> reconnected = new ArrayList<>();
        final List<SessionExpiredException> resets = new ArrayList<>();
        java.util.function.Consumer<TetherSocket> onOpen = s -> { };
        @Nullable Closed closed;

        record Closed(int code, String reason, @Nullable Throwable cause) {
        }

        Disconnect lastDisconnect() {
            assertThat(disconnects).isNotEmpty();
            return disconnects.get(disconnects.size() - 1);
        }

        @Override
        public void onOpen(TetherSocket socket) {
            log.add("open");
            onOpen.accept(socket);
        }

        @Override
        public void onDisconnected(TetherSocket socket, Disconnect info) {
            log.add("disconnected");
            disconnects.add(info);
        }

        @Override
        public void onReconnecting(TetherSocket socket, int attempt) {
            log.add("reconnecting " + attempt);
        }

        @Override
        public void onReconnected(TetherSocket socket, int attempts) {
            log.add("reconnected " + attempts);
            reconnected.add(attempts);
        }

        @Override
        public void onResumed(TetherSocket socket) {
            log.add("resumed");
        }

        @Override
        public void onSessionReset(TetherSocket socket, SessionExpiredException reason) {
            log.add("reset");
            resets.add(reason);
        }

        @Override
        public void onClosed(TetherSocket socket, int code, String reason, @Nullable Throwable cause) {
            log.add("closed");
            closed = new Closed(code, reason, cause);
        }
    }
}
