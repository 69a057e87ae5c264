package io.tether.app.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tether.client.ClientConfig;
import io.tether.client.Credentials;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.auth.JwtAuthenticator;
import io.tether.server.auth.JwtIssuer;
import io.tether.server.demo.EchoListener;
import io.tether.server.rooms.RoomAuthorizer;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.RawWebSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The chat protocol with Java clients: rooms, history, presence driven by heartbeats, validation. */
@Tag("integration")
class ChatServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HeartbeatConfig FAST = HeartbeatConfig.builder()
            .pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(400)).build();

    /** A chat participant: a resumable socket and the JSON it received. */
    static final class User implements SocketListener {
        final List<JsonNode> inbox = new CopyOnWriteArrayList<>();
        TetherSocket socket;
        /** The user's own client, when it has one (closed by the test). */
        TetherClient client;

        @Override
        public void onText(TetherSocket socket, String text) {
            try {
                inbox.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        void send(String json) {
            socket.sendText(json);
        }

        List<JsonNode> of(String type) {
            return inbox.stream().filter(n -> n.path("t").asText().equals(type)).toList();
        }

        List<String> texts(String room) {
            return of("msg").stream().filter(n -> n.path("room").asText().equals(room))
                    .map(n -> n.path("from").asText() + ":" + n.path("text").asText()).toList();
        }

        boolean sees(String nick, boolean online) {
            List<JsonNode> presence = of("presence");
            if (presence.isEmpty()) {
                return false;
            }
            for (JsonNode m : presence.get(presence.size() - 1).path("members")) {
                if (m.path("nick").asText().equals(nick)) {
                    return m.path("online").asBoolean() == online;
                }
            }
            return false;
        }
    }

    private static User join(TetherClient client, URI uri, String nick, String room) {
        User u = new User();
        u.socket = client.open(uri, u);
        u.send("{\"t\":\"hello\",\"nick\":\"" + nick + "\"}");
        u.send("{\"t\":\"join\",\"room\":\"" + room + "\"}");
        await().atMost(WAIT).until(() -> !u.of("joined").isEmpty());
        return u;
    }

    @Test
    void twoUsers_talk_seeHistory_andPresenceFollowsTheHeartbeat() throws Exception {
        ChatService chat = new ChatService(RoomAuthorizer.OPEN, 50);
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(FAST)
                        .endpoint(Endpoint.resumable("/chat", new EchoListener(), chat)).build());
                FaultProxy proxy = FaultProxy.start(server.port());
                TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true).heartbeat(FAST)
                        .reconnect(ReconnectPolicy.builder().backoff(Backoff.exponential(Duration.ofMillis(50),
                                Duration.ofMillis(200))).build()).build())) {
            URI direct = URI.create("ws://127.0.0.1:" + server.port() + "/chat");
            URI viaProxy = URI.create("ws://127.0.0.1:" + proxy.port() + "/chat");
            User alice = join(client, direct, "alice", "lobby");
            alice.send("{\"t\":\"say\",\"room\":\"lobby\",\"text\":\"first\",\"cid\":\"a1\"}");
            await().atMost(WAIT).until(() -> alice.texts("lobby").size() == 1);

            User bob = join(client, viaProxy, "bob", "lobby");
            assertThat(bob.of("joined").get(0).path("history").get(0).path("text").asText()).isEqualTo("first");
            await().atMost(WAIT).until(() -> alice.sees("bob", true));

            proxy.freeze();
            long frozenAt = System.nanoTime();
            await().atMost(WAIT).until(() -> alice.sees("bob", false));
            long offlineAfterMs = (System.nanoTime() - frozenAt) / 1_000_000;
            // Presence follows the server's heartbeat: not before a ping interval, and within the
            // bound plus generous slack for a loaded machine (the exact bound is tested in virtual time).
            assertThat(offlineAfterMs).as("bob offline after the freeze, ms")
                    .isBetween(FAST.pingInterval().toMillis(), FAST.detectionBound().toMillis() + 2000);
            alice.send("{\"t\":\"say\",\"room\":\"lobby\",\"text\":\"while you were away\"}");
            bob.send("{\"t\":\"say\",\"room\":\"lobby\",\"text\":\"typed while cut\"}");
            proxy.killAll();
            proxy.unfreeze();
            await().atMost(WAIT).until(() -> alice.sees("bob", true));
            await().atMost(WAIT).until(() -> bob.texts("lobby").size() == 2 && alice.texts("lobby").size() == 3);
            assertThat(alice.texts("lobby")).containsExactly("alice:first", "alice:while you were away", "bob:typed while cut");
            assertThat(bob.texts("lobby")).containsExactly("alice:while you were away", "bob:typed while cut");
        }
    }

    @Test
    void badInput_getsAnErrorThatSaysWhy_andTextIsKeptVerbatim() throws Exception {
        ChatService chat = new ChatService(RoomAuthorizer.OPEN, 50);
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0)
                        .endpoint(Endpoint.resumable("/chat", new EchoListener(), chat)).build());
                TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true).build())) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/chat");
            User u = new User();
            u.socket = client.open(uri, u);
            u.send("{\"t\":\"join\",\"room\":\"lobby\"}");
            u.send("{\"t\":\"hello\",\"nick\":\"<b>x</b>\"}");
            u.send("not json");
            u.send("{\"t\":\"hello\",\"nick\":\"eve\"}");
            u.send("{\"t\":\"join\",\"room\":\"Lobby!\"}");
            u.send("{\"t\":\"say\",\"room\":\"lobby\",\"text\":\"hi\"}");
            u.send("{\"t\":\"join\",\"room\":\"lobby\"}");
            u.send("{\"t\":\"say\",\"room\":\"lobby\",\"text\":\"" + "x".repeat(2001) + "\",\"cid\":\"big\"}");
            u.send("{\"t\":\"say\",\"room\":\"lobby\",\"text\":\"<img src=x onerror=alert(1)>\"}");
            await().atMost(WAIT).until(() -> u.of("msg").size() == 1 && u.of("error").size() == 6);
            assertThat(u.of("error")).extracting(e -> e.path("error").asText()).containsExactly(
                    "say hello with a nickname first", "a nickname is 1 to 24 letters, digits, '_', '.' or '-'",
                    "not JSON",
                    "a room name is 1 to 32 lower-case letters, digits, '_' or '-', starting with a letter or digit,"
                            + " or dm:<nick>+<nick> for a private room",
                    "join lobby before talking in it", "a message is at most 2000 characters");
            assertThat(u.of("msg").get(0).path("text").asText()).isEqualTo("<img src=x onerror=alert(1)>");
        }
    }

    /** The demo login's answer to {@code GET path}: status line and body. */
    private static String get(int port, String pathAndQuery, String method) throws Exception {
        try (RawWebSocket http = RawWebSocket.open(port)) {
            http.write((method + " " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = http.readHttpHead();
            return head.substring(0, head.indexOf('\r')) + " " + http.readUntilClosed().trim();
        }
    }

    private static User loggedIn(int port, URI uri, String nick) throws Exception {
        String answer = get(port, DemoLogin.PATH + "?nick=" + nick, "GET");
        assertThat(answer).startsWith("HTTP/1.1 200");
        String token = JSON.readTree(answer.substring(answer.indexOf('{'))).path("token").asText();
        TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true)
                .credentials(Credentials.bearer(rejected -> CompletableFuture.completedFuture(token))).build());
        User u = new User();
        u.client = client;
        u.socket = client.open(uri, u);
        u.send("{\"t\":\"hello\",\"nick\":\"" + nick + "\"}");
        await().atMost(WAIT).until(() -> !u.of("welcome").isEmpty());
        return u;
    }

    @Test
    void theDemoLogin_bindsTheNickname_andPrivateRoomsAdmitOnlyTheirTwoPrincipals() throws Exception {
        byte[] secret = "a demo secret of at least 32 bytes!".getBytes(StandardCharsets.US_ASCII);
        ChatService chat = new ChatService(ChatService.ROOMS, 50);
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0)
                        .authenticator(JwtAuthenticator.hmac(secret).required(false).build())
                        .route(DemoLogin.PATH, new DemoLogin(JwtIssuer.hmac(secret, null, null, Clock.systemUTC()),
                                Duration.ofMinutes(5)))
                        .endpoint(Endpoint.resumable("/chat", new EchoListener(), chat)).build());
                TetherClient anonymousClient = TetherClient.create(ClientConfig.builder().resumable(true).build())) {
            int port = server.port();
            assertThat(get(port, DemoLogin.PATH + "?nick=%3Cb%3E", "GET")).startsWith("HTTP/1.1 400")
                    .contains("a nickname is 1 to 24 letters");
            assertThat(get(port, DemoLogin.PATH + "?nick=alice", "POST")).startsWith("HTTP/1.1 405");
            URI uri = URI.create("ws://127.0.0.1:" + port + "/chat");
            User alice = loggedIn(port, uri, "alice");
            User bob = loggedIn(port, uri, "bob");
            User carol = loggedIn(port, uri, "carol");
            try {
                carol.send("{\"t\":\"hello\",\"nick\":\"alice\"}");
                await().atMost(WAIT).until(() -> carol.of("error").size() == 1);
                assertThat(carol.of("error").get(0).path("error").asText())
                        .isEqualTo("you are logged in as carol: that is your nickname");

                alice.send("{\"t\":\"join\",\"room\":\"dm:alice+bob\"}");
                bob.send("{\"t\":\"join\",\"room\":\"dm:alice+bob\"}");
                await().atMost(WAIT).until(() -> !alice.of("joined").isEmpty() && !bob.of("joined").isEmpty());
                alice.send("{\"t\":\"say\",\"room\":\"dm:alice+bob\",\"text\":\"just us\"}");
                await().atMost(WAIT).until(() -> bob.texts("dm:alice+bob").size() == 1);
                assertThat(bob.texts("dm:alice+bob")).containsExactly("alice:just us");

                carol.send("{\"t\":\"join\",\"room\":\"dm:alice+bob\"}");
                carol.send("{\"t\":\"join\",\"room\":\"dm:bob+alice\"}");
                await().atMost(WAIT).until(() -> carol.of("error").size() == 3);
                assertThat(carol.of("error").subList(1, 3)).extracting(e -> e.path("error").asText()).containsExactly(
                        "you may not join dm:alice+bob",
                        "a private room is dm:<nick>+<nick>, two different nicknames in alphabetical order");

                // Anonymous clients may claim a nickname (a demo), but a private room wants the principal.
                User mallory = new User();
                mallory.socket = anonymousClient.open(uri, mallory);
                mallory.send("{\"t\":\"hello\",\"nick\":\"alice\"}");
                mallory.send("{\"t\":\"join\",\"room\":\"dm:alice+bob\"}");
                await().atMost(WAIT).until(() -> mallory.of("error").size() == 1);
                assertThat(mallory.of("error").get(0).path("error").asText()).isEqualTo("you may not join dm:alice+bob");
                assertThat(carol.texts("dm:alice+bob")).isEmpty();
                assertThat(mallory.texts("dm:alice+bob")).isEmpty();
            } finally {
                for (User u : List.of(alice, bob, carol)) {
                    u.client.close();
                }
            }
        }
    }
}
