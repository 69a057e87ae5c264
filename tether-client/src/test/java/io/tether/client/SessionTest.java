package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.NotDeliveredException;
import io.tether.core.SessionExpiredException;
import io.tether.core.UnacknowledgedMessage;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.session.SessionConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.RecordingListener;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** tether.v1 sessions end to end on loopback: resume, send-by-id while away, TTL, restart, forged tokens. */
@Tag("integration")
class SessionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder()
            .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200))).build();

    /** Echoes and records, per session. */
    static final class EchoSessions implements SessionListener {
        final LinkedBlockingQueue<Session> created = new LinkedBlockingQueue<>();
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<SessionExpiredException> expired = new CompletableFuture<>();
        volatile boolean echo = true;

        @Override
        public void onSessionCreated(Session session) {
            events.add("created");
            created.add(session);
        }

        @Override
        public void onText(Session session, String text) {
            received.add(text);
            if (echo) {
                session.sendText(text);
            }
        }

        @Override
        public void onSessionDisconnected(Session session, Throwable cause) {
            events.add("disconnected");
        }

        @Override
        public void onSessionResumed(Session session) {
            events.add("resumed");
        }

        @Override
        public void onSessionExpired(Session session, SessionExpiredException reason) {
            events.add("expired");
            expired.complete(reason);
        }
    }

    /** Records socket events including session ones. */
    static final class Events extends SocketRecorder {
        final CompletableFuture<SessionExpiredException> reset = new CompletableFuture<>();
        final LinkedBlockingQueue<Boolean> resumed = new LinkedBlockingQueue<>();

        @Override
        public void onResumed(TetherSocket socket) {
            events.add("resumed");
            resumed.add(true);
        }

        @Override
        public void onSessionReset(TetherSocket socket, SessionExpiredException reason) {
            events.add("reset");
            reset.complete(reason);
        }
    }

    private static ServerConfig.Builder server(int port, EchoSessions sessions, SessionConfig config) {
        return ServerConfig.builder().port(port).heartbeat(HeartbeatConfig.DISABLED).sessions(config)
                .restartRetryAfter(Duration.ofMillis(50))
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), sessions));
    }

    private static ClientConfig.Builder client() {
        return ClientConfig.builder().resumable(true).reconnect(FAST).heartbeat(HeartbeatConfig.DISABLED)
                .connectTimeout(Duration.ofSeconds(2));
    }

    @Test
    void resumableSocket_echoes_andSendCompletesOnAck_plainClientsStillServed() throws Exception {
        EchoSessions sessions = new EchoSessions();
        try (TetherServer srv = TetherServer.start(server(0, sessions, SessionConfig.DEFAULT).build());
                TetherClient c = TetherClient.create(client().build())) {
            Events events = new Events();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + srv.port() + "/echo"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            socket.sendText("hello").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(events.messages.poll(20, TimeUnit.SECONDS)).isEqualTo("hello");
            assertThat(socket.sessionId()).isPresent();
            assertThat(srv.session(socket.sessionId().get())).isPresent();
            assertThat(socket.connection().orElseThrow().subprotocol()).isEqualTo(Frame.SUBPROTOCOL);

            RecordingListener plain = new RecordingListener();
            WebSocketConnection conn = c.connect(URI.create("ws://127.0.0.1:" + srv.port() + "/echo"), plain)
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(conn.subprotocol()).isNull();
            conn.sendText("plain");
            assertThat(plain.nextMessage(WAIT)).isEqualTo("plain");
        }
    }

    @Test
    void killedConnection_resumes_andMessagesSentWhileAwayArriveOnceInOrder() throws Exception {
        EchoSessions sessions = new EchoSessions();
        sessions.echo = false;
        try (TetherServer srv = TetherServer.start(server(0, sessions, SessionConfig.DEFAULT).build());
                FaultProxy proxy = FaultProxy.start(srv.port());
                TetherClient c = TetherClient.create(client().build())) {
            Events events = new Events();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            Session serverSide = sessions.created.poll(20, TimeUnit.SECONDS);
            socket.sendText("before").toCompletableFuture().get(20, TimeUnit.SECONDS);
            proxy.refuse(true);
            proxy.killAll();
            await().atMost(WAIT).until(() -> socket.state() == SocketState.RECONNECTING);
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sends.add(socket.sendText("away" + i).toCompletableFuture());
            }
            await().atMost(WAIT).until(() -> !serverSide.isConnected());
            List<CompletableFuture<Void>> serverSends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                serverSends.add(serverSide.sendText("to-client" + i).toCompletableFuture());
            }
            proxy.refuse(false);
            assertThat(events.resumed.poll(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            CompletableFuture.allOf(serverSends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            List<String> expected = new ArrayList<>(List.of("before"));
            for (int i = 0; i < 20; i++) {
                expected.add("away" + i);
            }
            assertThat(sessions.received).containsExactlyElementsOf(expected);
            for (int i = 0; i < 20; i++) {
                assertThat(events.messages.poll(20, TimeUnit.SECONDS)).isEqualTo("to-client" + i);
            }
            assertThat(sessions.events).containsSubsequence("created", "disconnected", "resumed");
            assertThat(sessions.created).isEmpty();
        }
    }

    @Test
    void ttlExpiry_resetsTheSession_listingExactlyTheUnacknowledgedMessages() throws Exception {
        EchoSessions sessions = new EchoSessions();
        sessions.echo = false;
        SessionConfig shortTtl = SessionConfig.builder().ttl(Duration.ofMillis(300)).build();
        try (TetherServer srv = TetherServer.start(server(0, sessions, shortTtl).build());
                FaultProxy proxy = FaultProxy.start(srv.port());
                TetherClient c = TetherClient.create(client().build())) {
            Events events = new Events();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            Session serverSide = sessions.created.poll(20, TimeUnit.SECONDS);
            String oldId = socket.sessionId().orElseThrow();
            socket.sendText("acked").toCompletableFuture().get(20, TimeUnit.SECONDS);
            proxy.refuse(true);
            proxy.killAll();
            await().atMost(WAIT).until(() -> socket.state() == SocketState.RECONNECTING);
            var lost1 = socket.sendText("lost-1").toCompletableFuture();
            var lost2 = socket.sendText("lost-2").toCompletableFuture();
            await().atMost(WAIT).until(() -> !serverSide.isConnected());
            var serverLost = serverSide.sendText("never-seen").toCompletableFuture();
            SessionExpiredException serverReason = sessions.expired.get(20, TimeUnit.SECONDS);
            assertThat(serverReason.unacknowledged()).singleElement().satisfies(m -> {
                assertThat(m.text()).isEqualTo("never-seen");
                assertThat(m.written()).isFalse();
                assertThat(m.fate()).isEqualTo(UnacknowledgedMessage.Fate.FAILED);
            });
            assertThat(serverLost).failsWithin(WAIT).withThrowableThat().havingCause().isInstanceOf(NotDeliveredException.class);
            proxy.refuse(false);
            SessionExpiredException reset = events.reset.get(20, TimeUnit.SECONDS);
            // Sent while disconnected, so never written to any connection: they waited in the outbox
            // and go to the new session (before issue 10 they were failed as "not delivered", though
            // they could not be duplicates). The old session had nothing unacknowledged.
            assertThat(reset.unacknowledged()).isEmpty();
            lost1.get(20, TimeUnit.SECONDS);
            lost2.get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> socket.state() == SocketState.OPEN);
            assertThat(socket.sessionId().orElseThrow()).isNotEqualTo(oldId);
            socket.sendText("fresh").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(sessions.received).containsExactly("acked", "lost-1", "lost-2", "fresh");
        }
    }

    @Test
    void serverRestart_resetsTheSession() throws Exception {
        EchoSessions first = new EchoSessions();
        TetherServer a = TetherServer.start(server(0, first, SessionConfig.DEFAULT).build());
        int port = a.port();
        try (TetherClient c = TetherClient.create(client().build())) {
            Events events = new Events();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + port + "/echo"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            socket.sendText("one").toCompletableFuture().get(20, TimeUnit.SECONDS);
            a.stop().toCompletableFuture().get(20, TimeUnit.SECONDS);
            EchoSessions second = new EchoSessions();
            try (TetherServer b = TetherServer.start(server(port, second, SessionConfig.DEFAULT).build())) {
                SessionExpiredException reset = events.reset.get(20, TimeUnit.SECONDS);
                assertThat(reset.getMessage()).contains("did not resume session");
                await().atMost(WAIT).until(() -> socket.state() == SocketState.OPEN);
                socket.sendText("two").toCompletableFuture().get(20, TimeUnit.SECONDS);
                assertThat(second.received).containsExactly("two");
            }
        }
    }

    @Test
    void forgedToken_getsANewSession_andRevealsNothing_theRealSessionIsUnaffected() throws Exception {
        EchoSessions sessions = new EchoSessions();
        try (TetherServer srv = TetherServer.start(server(0, sessions, SessionConfig.DEFAULT).build());
                TetherClient c = TetherClient.create(client().build());
                TetherClient raw = TetherClient.create(ClientConfig.builder().subprotocols(List.of(Frame.SUBPROTOCOL))
                        .heartbeat(HeartbeatConfig.DISABLED).build())) {
            Events events = new Events();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + srv.port() + "/echo"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            String victim = socket.sessionId().orElseThrow();

            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/echo");
            LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
            RecordingListener attackerEvents = new RecordingListener() {
                @Override
                public void onBinary(WebSocketConnection connection, byte[] data) {
                    frames.add(FrameCodec.decode(ByteBuffer.wrap(data)));
                }
            };
            WebSocketConnection attacker = raw.connect(uri, attackerEvents).toCompletableFuture().get(20, TimeUnit.SECONDS);
            attacker.sendBinary(FrameCodec.encode(new Frame.Hello(1, 0, victim, "AAAAAAAAAAAAAAAAAAAAAA")).array());
            Frame.Welcome welcome = (Frame.Welcome) frames.poll(20, TimeUnit.SECONDS);
            assertThat(welcome.resumed()).isFalse();
            assertThat(welcome.sessionId()).isNotEqualTo(victim);
            assertThat(welcome.lastReceived()).isZero();

            // The same answer as for an id that never existed: nothing tells a forged token apart.
            Frame.Welcome unknown = hello(raw, uri, "no-such-session", "x", false);
            assertThat(unknown.resumed()).isFalse();
            assertThat(unknown.lastReceived()).isZero();
            assertThat(unknown.ttlMillis()).isEqualTo(welcome.ttlMillis());
            assertThat(unknown.sessionId()).hasSameSizeAs(welcome.sessionId()).isNotEqualTo(victim);
            assertThat(unknown.token()).hasSameSizeAs(welcome.token());

            // A second HELLO on a connection whose handshake is done is a protocol violation.
            attacker.sendBinary(FrameCodec.encode(new Frame.Hello(1, 0, victim, "AAAAAAAAAAAAAAAAAAAAAA")).array());
            RecordingListener.Terminal end = attackerEvents.awaitTerminal(WAIT);
            assertThat(end.code()).isEqualTo(1002);
            assertThat(end.reason()).startsWith("tether.v1: unexpected HELLO after the handshake");
            assertThat(frames).as("no second WELCOME").isEmpty();

            socket.sendText("still mine").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(events.messages.poll(20, TimeUnit.SECONDS)).isEqualTo("still mine");
            assertThat(socket.sessionId()).contains(victim);
        }
    }

    @Test
    void lostWelcome_theOldTokenStillResumes_untilTheClientShowsItHasTheNewOne() throws Exception {
        EchoSessions sessions = new EchoSessions();
        try (TetherServer srv = TetherServer.start(server(0, sessions, SessionConfig.DEFAULT).build());
                TetherClient raw = TetherClient.create(ClientConfig.builder().subprotocols(List.of(Frame.SUBPROTOCOL))
                        .heartbeat(HeartbeatConfig.DISABLED).build())) {
            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/echo");
            Frame.Welcome first = hello(raw, uri, "", "", false);
            // Resume once; pretend its WELCOME (and the new token in it) was lost with the connection.
            Frame.Welcome lost = hello(raw, uri, first.sessionId(), first.token(), false);
            assertThat(lost.resumed()).isTrue();
            assertThat(lost.token()).isNotEqualTo(first.token());
            Frame.Welcome again = hello(raw, uri, first.sessionId(), first.token(), true);
            assertThat(again.resumed()).as("the token the client still has is accepted").isTrue();
            // This time the client spoke after the WELCOME: the older token is retired.
            Frame.Welcome stale = hello(raw, uri, first.sessionId(), first.token(), false);
            assertThat(stale.resumed()).isFalse();
            assertThat(stale.sessionId()).isNotEqualTo(first.sessionId());
        }
    }

    /** One connection: HELLO, read the WELCOME, optionally send a PING (proof it was read), close. */
    private static Frame.Welcome hello(TetherClient raw, URI uri, String id, String token, boolean speakAfter)
            throws Exception {
        LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onBinary(WebSocketConnection connection, byte[] data) {
                frames.add(FrameCodec.decode(ByteBuffer.wrap(data)));
            }
        };
        WebSocketConnection c = raw.connect(uri, listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
        c.sendBinary(FrameCodec.encode(new Frame.Hello(1, 0, id, token)).array());
        Frame.Welcome welcome = (Frame.Welcome) frames.poll(20, TimeUnit.SECONDS);
        if (speakAfter) {
            c.sendBinary(FrameCodec.encode(new Frame.Ping(1)).array());
            assertThat(frames.poll(20, TimeUnit.SECONDS)).isInstanceOf(Frame.Pong.class);
        }
        c.close().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return welcome;
    }

    @Test
    void malformedFrames_closeWith1002() throws Exception {
        EchoSessions sessions = new EchoSessions();
        try (TetherServer srv = TetherServer.start(server(0, sessions, SessionConfig.DEFAULT).build());
                TetherClient raw = TetherClient.create(ClientConfig.builder().subprotocols(List.of(Frame.SUBPROTOCOL))
                        .heartbeat(HeartbeatConfig.DISABLED).build())) {
            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/echo");
            assertClosedWith(raw, uri, List.of(new byte[] {0x7f}), 1002, "unknown frame type");
            assertClosedWith(raw, uri, List.of(FrameCodec.encode(new Frame.Ack(0)).array()), 1002, "expected HELLO first");
            byte[] hello = FrameCodec.encode(new Frame.Hello(1, 0, "", "")).array();
            byte[] ackTooFar = FrameCodec.encode(new Frame.Ack(5)).array();
            assertClosedWith(raw, uri, List.of(hello, ackTooFar), 1002, "beyond the last message sent");
            byte[] data2 = FrameCodec.encode(new Frame.Data(2, 0, false, ByteBuffer.wrap(new byte[] {'x'}))).array();
            assertClosedWith(raw, uri, List.of(hello, data2), 1002, "sequence gap");
        }
    }

    private static void assertClosedWith(TetherClient raw, URI uri, List<byte[]> frames, int code, String reason)
            throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocketConnection conn = raw.connect(uri, listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
        for (byte[] f : frames) {
            conn.sendBinary(f);
            if (f[0] == FrameCodec.HELLO) {
                listener.nextMessage(WAIT); // the WELCOME
            }
        }
        RecordingListener.Terminal end = listener.awaitTerminal(WAIT);
        assertThat(end.code()).isEqualTo(code);
        assertThat(end.reason()).contains(reason);
    }
}
