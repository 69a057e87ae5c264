package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tether.core.HandshakeRejectedException;
import io.tether.core.HandshakeRequest;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.protocol.Frame;
import io.tether.server.Acceptance;
import io.tether.server.Endpoint;
import io.tether.server.HandshakeGate;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.RawWebSocket;
import io.tether.testkit.RecordingListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The handshake gate and the handshake itself, seen by real clients on loopback sockets. */
@Tag("integration")
class HandshakeGateTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** 401 without a token, 403 with a wrong one, accepted (with the user attached) with "good". */
    private static final HandshakeGate TOKEN = request -> {
        var token = request.queryParam("token");
        if (token.isEmpty()) {
            return Acceptance.refuse(401, "missing token").withHeader("WWW-Authenticate", "Bearer realm=\"tether\"");
        }
        return token.get().equals("good") ? Acceptance.accept(Map.of("user", "ann"))
                : Acceptance.refuse(403, "token not valid for " + request.path());
    };

    private static TetherServer server(Endpoint endpoint) {
        return TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                .handshakeGate(TOKEN).endpoint(endpoint).build());
    }

    private static HandshakeRejectedException rejection(TetherClient client, String uri) {
        try {
            client.connect(URI.create(uri), new RecordingListener()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(HandshakeRejectedException.class);
            return (HandshakeRejectedException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("connected to " + uri);
    }

    @Test
    void refusals401And403_reachTheClient_withStatusReasonAndHeaders() throws Exception {
        try (TetherServer srv = server(Endpoint.of("/echo", new EchoListener()));
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(HeartbeatConfig.DISABLED).build())) {
            String base = "ws://127.0.0.1:" + srv.port() + "/echo";
            HandshakeRejectedException missing = rejection(client, base);
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.reason()).isEqualTo("Unauthorized (missing token)");
            assertThat(missing.header("www-authenticate")).contains("Bearer realm=\"tether\"");
            assertThat(missing.header("connection")).contains("close");

            HandshakeRejectedException wrong = rejection(client, base + "?token=bad");
            assertThat(wrong.status()).isEqualTo(403);
            assertThat(wrong.getMessage()).contains("HTTP 403", "token not valid for /echo");

            assertThat(srv.stats().handshakesRejected()).isEqualTo(2);
            assertThat(srv.stats().handshakesAccepted()).isZero();
            assertThat(srv.connectionCount()).isZero();
        }
    }

    @Test
    void refusal_onARawSocket_isAPlainHttpResponse_thenTheServerCloses() throws Exception {
        try (TetherServer srv = server(Endpoint.of("/echo", new EchoListener()));
                RawWebSocket raw = RawWebSocket.open(srv.port())) {
            raw.write(("GET /echo?token=bad HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = raw.readHttpHead();
            assertThat(head).startsWith("HTTP/1.1 403 Forbidden\r\n").containsIgnoringCase("connection: close")
                    .doesNotContainIgnoringCase("sec-websocket-accept");
            assertThat(raw.readUntilClosed()).isEqualTo("token not valid for /echo\n");
        }
    }

    @Test
    void refusal_worksForTetherV1Clients_ofAResumableEndpoint() throws Exception {
        try (TetherServer srv = server(Endpoint.resumable("/s", new EchoListener(), new SessionListener() { }));
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(HeartbeatConfig.DISABLED)
                        .subprotocols(List.of(Frame.SUBPROTOCOL)).build())) {
            HandshakeRejectedException e = rejection(client, "ws://127.0.0.1:" + srv.port() + "/s?token=bad");
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.reason()).contains("token not valid for /s");
            assertThat(srv.stats().handshakesRejected()).isEqualTo(1);
        }
    }

    @Test
    void accepted_theHandshakeIsVisibleOnBothSides() throws Exception {
        RecordingListener serverSide = new RecordingListener();
        try (TetherServer srv = server(new Endpoint("/chat", List.of("chat.v2", "chat"), serverSide));
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(HeartbeatConfig.DISABLED)
                        .header("X-Client", "tests").subprotocols(List.of("chat", "other")).build())) {
            WebSocketConnection clientSide = client.connect(
                    URI.create("ws://127.0.0.1:" + srv.port() + "/chat?token=good&tag=a%20b&tag=c"), new RecordingListener())
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            WebSocketConnection accepted = serverSide.opened.get(20, TimeUnit.SECONDS);

            HandshakeRequest received = accepted.handshake();
            assertThat(received.path()).isEqualTo("/chat");
            assertThat(received.queryParams()).containsEntry("tag", List.of("a b", "c")).containsEntry("token", List.of("good"));
            assertThat(received.header("x-client")).contains("tests");
            assertThat(received.header("Sec-WebSocket-Version")).contains("13");
            assertThat(received.offeredSubprotocols()).containsExactly("chat", "other");
            assertThat(received.subprotocol()).isEqualTo("chat");
            assertThat(accepted.subprotocol()).isEqualTo("chat");
            InetSocketAddress peer = (InetSocketAddress) received.remoteAddress();
            assertThat(peer).isEqualTo(accepted.remoteAddress());
            assertThat(peer.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
            assertThat(accepted.attributes()).containsExactly(Map.entry("user", "ann"));

            HandshakeRequest sent = clientSide.handshake();
            assertThat(sent.path()).isEqualTo("/chat");
            assertThat(sent.queryParam("tag")).contains("a b");
            assertThat(sent.header("X-CLIENT")).contains("tests");
            assertThat(sent.header("Sec-WebSocket-Key")).isPresent();
            assertThat(sent.offeredSubprotocols()).containsExactly("chat", "other");
            assertThat(sent.subprotocol()).isEqualTo("chat");
            assertThat(((InetSocketAddress) sent.remoteAddress()).getPort()).isEqualTo(srv.port());
            assertThat(clientSide.attributes()).isEmpty();
        }
    }

    @Test
    void sessions_carryTheCreatingHandshake_andItsAttributes() throws Exception {
        LinkedBlockingQueue<Session> created = new LinkedBlockingQueue<>();
        SessionListener sessions = new SessionListener() {
            @Override
            public void onSessionCreated(Session session) {
                created.add(session);
            }
        };
        try (TetherServer srv = server(Endpoint.resumable("/s", new EchoListener(), sessions));
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(HeartbeatConfig.DISABLED)
                        .resumable(true).build())) {
            SocketRecorder events = new SocketRecorder();
            TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + srv.port() + "/s?token=good&room=7"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            Session session = created.poll(20, TimeUnit.SECONDS);
            assertThat(session).isNotNull();
            assertThat(session.handshake().queryParam("room")).contains("7");
            assertThat(session.handshake().subprotocol()).isEqualTo(Frame.SUBPROTOCOL);
            assertThat(session.attributes()).containsExactly(Map.entry("user", "ann"));
            await().atMost(WAIT).until(session::isConnected);
            assertThat(session.currentHandshake()).containsSame(session.handshake());
            socket.close().toCompletableFuture().get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> !session.isConnected());
            assertThat(session.currentHandshake()).isEmpty();
            assertThat(session.handshake().queryParam("room")).as("kept after the connection is gone").contains("7");
        }
    }

    @Test
    void aGateMayNotRefuseWithASuccessStatus() {
        assertThatThrownBy(() -> Acceptance.refuse(200, "ok")).isInstanceOf(IllegalArgumentException.class);
    }
}
