package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.CloseCodes;
import io.tether.core.HandshakeRejectedException;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.session.SessionConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.auth.JwtAuthenticator;
import io.tether.server.auth.JwtIssuer;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.RecordingListener;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sessions belong to their principal, and a socket's credentials are fetched before every attempt:
 * a resume by another principal is a forgery, a 401 is asked about once more, and credentials that
 * expire on a live connection (close 4001) are replaced while the session resumes.
 */
@Tag("integration")
class AuthenticatedSessionTest {
    private static final byte[] SECRET = "a demo secret of at least 32 bytes!".getBytes(StandardCharsets.US_ASCII);
    private static final JwtIssuer TOKENS = JwtIssuer.hmac(SECRET, null, null, Clock.systemUTC());
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder()
            .backoff(Backoff.fullJitter(Duration.ofMillis(20), Duration.ofMillis(100))).build();

    private static TetherServer server(boolean required, Duration grace) {
        return TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                .authenticator(JwtAuthenticator.hmac(SECRET).required(required).clockSkew(Duration.ZERO).build())
                .credentialsGrace(grace)
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), new SessionTest.EchoSessions()))
                .build());
    }

    @Test
    void aResumeWithTheRightTokenButAnotherPrincipal_getsAFreshSession_andTheOwnersSessionIsUntouched()
            throws Exception {
        try (TetherServer srv = server(false, Duration.ofMinutes(1))) {
            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/echo");
            String alice = TOKENS.issue("alice", Duration.ofMinutes(5), Map.of());
            String bob = TOKENS.issue("bob", Duration.ofMinutes(5), Map.of());
            Frame.Welcome created = hello(uri, alice, "", "");
            assertThat(created.resumed()).isFalse();

            Frame.Welcome asBob = hello(uri, bob, created.sessionId(), created.token());
            Frame.Welcome asNobody = hello(uri, null, created.sessionId(), created.token());
            Frame.Welcome forged = hello(uri, bob, created.sessionId(), "AAAAAAAAAAAAAAAAAAAAAA");
            for (Frame.Welcome refused : List.of(asBob, asNobody, forged)) {
                assertThat(refused.resumed()).isFalse();
                assertThat(refused.sessionId()).isNotEqualTo(created.sessionId()).hasSameSizeAs(created.sessionId());
                assertThat(refused.lastReceived()).isZero();
                assertThat(refused.token()).hasSameSizeAs(created.token());
            }
            Frame.Welcome asAlice = hello(uri, alice, created.sessionId(), created.token());
            assertThat(asAlice.resumed()).as("the owner still resumes").isTrue();
            assertThat(asAlice.sessionId()).isEqualTo(created.sessionId());
        }
    }

    @Test
    void a401_asksTheCredentialsOnceMoreForFreshOnes_andASecond401IsFinal() throws Exception {
        try (TetherServer srv = server(true, Duration.ofMinutes(1))) {
            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/echo");
            List<Boolean> asked = new CopyOnWriteArrayList<>();
            String stale = JwtIssuer.hmac(SECRET, null, null, Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)))
                    .issue("alice", Duration.ofMinutes(5), Map.of());
            Credentials refreshing = Credentials.bearer(rejected -> {
                asked.add(rejected);
                return CompletableFuture.completedFuture(rejected
                        ? TOKENS.issue("alice", Duration.ofMinutes(5), Map.of()) : stale);
            });
            try (TetherClient c = TetherClient.create(ClientConfig.builder().resumable(true).reconnect(FAST)
                    .heartbeat(HeartbeatConfig.DISABLED).credentials(refreshing).build())) {
                SessionTest.Events events = new SessionTest.Events();
                TetherSocket socket = c.open(uri, events);
                events.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(asked).containsExactly(false, true);
                socket.sendText("hi").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(events.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hi");
            }

            List<Boolean> askedAgain = new CopyOnWriteArrayList<>();
            Credentials alwaysStale = Credentials.bearer(rejected -> {
                askedAgain.add(rejected);
                return CompletableFuture.completedFuture(stale);
            });
            try (TetherClient c = TetherClient.create(ClientConfig.builder().resumable(true).reconnect(FAST)
                    .heartbeat(HeartbeatConfig.DISABLED).credentials(alwaysStale).build())) {
                SessionTest.Events events = new SessionTest.Events();
                c.open(uri, events);
                SocketRecorder.Closed closed = events.awaitClosed(WAIT);
                assertThat(closed.cause()).isInstanceOf(HandshakeRejectedException.class);
                assertThat(((HandshakeRejectedException) closed.cause()).status()).isEqualTo(401);
                assertThat(askedAgain).containsExactly(false, true);
            }
        }
    }

    @Test
    void credentialsThatExpireOnALiveConnection_areReplaced_andTheSessionResumesWithNothingLost() throws Exception {
        try (TetherServer srv = server(true, Duration.ZERO)) {
            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/echo");
            LinkedBlockingQueue<Boolean> asked = new LinkedBlockingQueue<>();
            Credentials shortLived = Credentials.bearer(rejected -> {
                asked.add(rejected);
                // Whole seconds: each token lives 1–2 s.
                return CompletableFuture.completedFuture(TOKENS.issue("alice", Duration.ofSeconds(2), Map.of()));
            });
            try (TetherClient c = TetherClient.create(ClientConfig.builder().resumable(true).reconnect(FAST)
                    .heartbeat(HeartbeatConfig.DISABLED).credentials(shortLived).build())) {
                SessionTest.Events events = new SessionTest.Events();
                TetherSocket socket = c.open(uri, events);
                events.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                String session = socket.sessionId().orElseThrow();
                socket.sendText("before").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

                events.awaitReconnect(WAIT);
                assertThat(events.disconnects.get(0).cause()).isInstanceOf(io.tether.core.ConnectionClosedException.class);
                assertThat(((io.tether.core.ConnectionClosedException) events.disconnects.get(0).cause()).code())
                        .isEqualTo(CloseCodes.CREDENTIALS_EXPIRED);
                assertThat(events.resumed.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(socket.sessionId()).contains(session);
                assertThat(asked.poll(1, TimeUnit.SECONDS)).isFalse();
                assertThat(asked.poll(1, TimeUnit.SECONDS)).as("asked again, for fresh ones, after the 4001").isTrue();

                socket.sendText("after").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(events.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("before");
                assertThat(events.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("after");
            }
        }
    }

    @Test
    void pastMaxSessions_aNewSessionIsClosedWith1013AndARetryHint_whileResumesStillWork() throws Exception {
        try (TetherServer srv = TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                .limits(io.tether.server.ConnectionLimits.builder().maxSessions(1).build())
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), new SessionTest.EchoSessions())).build());
                TetherClient raw = TetherClient.create(ClientConfig.builder().subprotocols(List.of(Frame.SUBPROTOCOL))
                        .heartbeat(HeartbeatConfig.DISABLED).build())) {
            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/echo");
            Frame.Welcome first = hello(uri, null, "", "");
            RecordingListener second = new RecordingListener();
            WebSocketConnection c = raw.connect(uri, second).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            c.sendBinary(FrameCodec.encode(new Frame.Hello(1, 0, "", "")).array());
            RecordingListener.Terminal end = second.awaitTerminal(WAIT);
            assertThat(end.code()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
            assertThat(end.reason()).isEqualTo("too many sessions on this server; retry-after=5s");
            assertThat(hello(uri, null, first.sessionId(), first.token()).resumed()).as("the held one resumes").isTrue();
        }
    }

    /** One raw connection (with {@code token} as a bearer, or none): HELLO, the WELCOME, close. */
    private static Frame.Welcome hello(URI uri, String token, String id, String sessionToken) throws Exception {
        ClientConfig.Builder config = ClientConfig.builder().subprotocols(List.of(Frame.SUBPROTOCOL))
                .heartbeat(HeartbeatConfig.DISABLED);
        if (token != null) {
            config.header("Authorization", "Bearer " + token);
        }
        try (TetherClient raw = TetherClient.create(config.build())) {
            LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
            RecordingListener listener = new RecordingListener() {
                @Override
                public void onBinary(WebSocketConnection connection, byte[] data) {
                    frames.add(FrameCodec.decode(ByteBuffer.wrap(data)));
                }
            };
            WebSocketConnection c = raw.connect(uri, listener).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            c.sendBinary(FrameCodec.encode(new Frame.Hello(1, 0, id, sessionToken)).array());
            Frame.Welcome welcome = (Frame.Welcome) frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(welcome).as("a WELCOME").isNotNull();
            c.close().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return welcome;
        }
    }
}
