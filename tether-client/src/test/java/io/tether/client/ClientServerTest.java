package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.ConnectFailedException;
import io.tether.core.ConnectionClosedException;
import io.tether.core.HandshakeRejectedException;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.testkit.RecordingListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Tether client against Tether server on loopback: messages, close codes, subprotocols, failures. */
@Tag("integration")
class ClientServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final RecordingListener serverSide = new RecordingListener() {
        @Override
        public void onText(WebSocketConnection connection, String text) {
            super.onText(connection, text);
            if (text.startsWith("close-me ")) {
                connection.close(Integer.parseInt(text.substring(9)), "as you wish");
            } else {
                connection.sendText(text);
            }
        }

        @Override
        public void onBinary(WebSocketConnection connection, byte[] data) {
            super.onBinary(connection, data);
            connection.sendBinary(data);
        }
    };
    private static TetherServer server;
    private static TetherClient client;

    @BeforeAll
    static void start() {
        server = TetherServer.start(ServerConfig.builder().port(0)
                .endpoint(Endpoint.of("/echo", serverSide))
                .endpoint(new Endpoint("/chat", List.of("tether.v1", "chat.v2"), new WebSocketListener() { }))
                .maxFrameSize(2 << 20).maxMessageSize(2 << 20)
                .build());
        client = TetherClient.create(ClientConfig.builder().maxFrameSize(2 << 20).maxMessageSize(2 << 20).build());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    private WebSocketConnection open(RecordingListener listener) throws Exception {
        return client.connect(uri("/echo"), listener).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void textAndBinary_echoInOrder() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocketConnection connection = open(listener);
        assertThat(listener.events).containsExactly("open");
        for (int i = 0; i < 100; i++) {
            connection.sendText("m" + i);
        }
        connection.sendBinary(new byte[] {1, 2, 3}).toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            assertThat(listener.nextMessage(WAIT)).isEqualTo("m" + i);
        }
        assertThat((byte[]) listener.nextMessage(WAIT)).containsExactly(1, 2, 3);
        connection.close();
    }

    @Test
    void oneMebibyteMessage_roundTrips() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocketConnection connection = open(listener);
        byte[] big = new byte[1 << 20];
        new java.util.Random(1).nextBytes(big);
        connection.sendBinary(big);
        assertThat((byte[]) listener.nextMessage(WAIT)).isEqualTo(big);
        connection.close();
    }

    @Test
    void clientClose_deliversCodeAndReasonToServer_andCompletes() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocketConnection connection = open(listener);
        connection.sendText("hello");
        listener.nextMessage(WAIT);
        connection.close(4000, "bye now").toCompletableFuture().get(10, TimeUnit.SECONDS);
        RecordingListener.Terminal local = listener.awaitTerminal(WAIT);
        assertThat(local.code()).isEqualTo(4000);
        assertThat(local.cause()).isNull();
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.sendText("late").toCompletableFuture())
                .failsWithin(WAIT).withThrowableThat().havingCause().isInstanceOf(ConnectionClosedException.class);
    }

    @Test
    void serverClose_reachesClientWithCodeAndReason() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocketConnection connection = open(listener);
        connection.sendText("close-me 4321");
        RecordingListener.Terminal terminal = listener.awaitTerminal(WAIT);
        assertThat(terminal.code()).isEqualTo(4321);
        assertThat(terminal.reason()).isEqualTo("as you wish");
        assertThat(listener.events).containsExactly("open", "closed 4321");
    }

    @Test
    void subprotocol_firstSupportedOfTheClientsIsSelected() throws Exception {
        try (TetherClient c = TetherClient.create(ClientConfig.builder().subprotocols(List.of("chat.v2", "tether.v1")).build())) {
            WebSocketConnection connection = c.connect(uri("/chat"), new RecordingListener())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(connection.subprotocol()).isEqualTo("chat.v2");
        }
    }

    @Test
    void unknownPath_failsWith404_notRetryable() {
        assertThatThrownBy(() -> client.connect(uri("/nope"), new RecordingListener()).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(HandshakeRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("no WebSocket endpoint at /nope");
                });
    }

    @Test
    void refusedPort_failsWithConnectFailed() throws IOException {
        int freePort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = s.getLocalPort();
        }
        URI target = URI.create("ws://127.0.0.1:" + freePort + "/echo");
        assertThat(client.connect(target, new RecordingListener()).toCompletableFuture())
                .failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(ConnectFailedException.class).withMessageContaining("cannot connect to " + target);
    }

    @Test
    void silentServer_failsAfterHandshakeTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                TetherClient c = TetherClient.create(ClientConfig.builder().handshakeTimeout(Duration.ofMillis(300))
                        .heartbeat(HeartbeatConfig.DISABLED).build())) {
            URI target = URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/");
            assertThat(c.connect(target, new RecordingListener()).toCompletableFuture())
                    .failsWithin(WAIT).withThrowableThat().havingCause()
                    .isInstanceOf(ConnectFailedException.class).withMessageContaining("no handshake answer");
        }
    }

    @Test
    void listenerThatThrows_doesNotKillTheConnection() throws Exception {
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onText(WebSocketConnection connection, String text) {
                super.onText(connection, text);
                throw new IllegalStateException("application bug");
            }
        };
        WebSocketConnection connection = open(listener);
        connection.sendText("one");
        connection.sendText("two");
        assertThat(listener.nextMessage(WAIT)).isEqualTo("one");
        assertThat(listener.nextMessage(WAIT)).isEqualTo("two");
        assertThat(connection.isOpen()).isTrue();
        connection.close();
    }

    @Test
    void badUri_isRejectedAtOnce() {
        assertThatThrownBy(() -> client.connect(URI.create("http://127.0.0.1/"), new RecordingListener()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws://");
    }
}
