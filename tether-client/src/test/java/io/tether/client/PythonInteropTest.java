package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.testkit.PeerProcess;
import io.tether.testkit.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Interop with an independent RFC 6455 implementation, Debian's python3-websockets: Tether server
 * with a python client, and Tether client with a python server. Text, binary, a 1 MiB message,
 * pings both ways, and close codes in both directions.
 */
@Tag("interop")
class PythonInteropTest {
    private static final String PYTHON = PythonPeer.PYTHON;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HeartbeatConfig FAST_HEARTBEAT = HeartbeatConfig.builder()
            .pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void pythonWebsocketsIsInstalled() throws Exception {
        PythonPeer.requireWebsockets(WAIT);
    }

    private static String script(String name) {
        return PythonPeer.script(name);
    }

    @Test
    void pythonClient_againstTetherServer() throws Exception {
        LinkedBlockingQueue<RecordingListener.Terminal> ends = new LinkedBlockingQueue<>();
        RecordingListener echo = new RecordingListener() {
            @Override
            public void onText(WebSocketConnection connection, String text) {
                if (text.startsWith("close-me ")) {
                    connection.close(Integer.parseInt(text.substring(9)), "tether says bye");
                } else {
                    connection.sendText(text);
                }
            }

            @Override
            public void onBinary(WebSocketConnection connection, byte[] data) {
                connection.sendBinary(data);
            }

            @Override
            public void onClosed(WebSocketConnection connection, int code, String reason) {
                ends.add(new Terminal(connection, code, reason, null, System.nanoTime()));
            }

            @Override
            public void onFailure(WebSocketConnection connection, Throwable cause) {
                ends.add(new Terminal(connection, -1, "", cause, System.nanoTime()));
            }
        };
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(FAST_HEARTBEAT)
                        .maxFrameSize(2 << 20).maxMessageSize(2 << 20).endpoint(Endpoint.of("/echo", echo)).build());
                PeerProcess python = PeerProcess.start(PYTHON, script("ws_client.py"),
                        "ws://127.0.0.1:" + server.port() + "/echo")) {
            assertThat(python.nextLine(WAIT)).isEqualTo("text ok");
            assertThat(python.nextLine(WAIT)).isEqualTo("binary ok");
            assertThat(python.nextLine(WAIT)).isEqualTo("1MiB ok");
            assertThat(python.nextLine(WAIT)).isEqualTo("ping ok");
            // Python prints the code of the close frame that answered its own: Tether echoes the code.
            assertThat(python.nextLine(WAIT)).startsWith("closed 4001");
            RecordingListener.Terminal first = ends.poll(20, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.code()).isEqualTo(4001);
            assertThat(first.reason()).isEqualTo("py bye");
            assertThat(first.connection().roundTripTime()).as("python answered Tether's pings").isPresent();
            assertThat(python.nextLine(WAIT)).isEqualTo("server closed 4002 tether says bye");
            assertThat(python.awaitExit(WAIT)).isZero();
        }
    }

    @Test
    void tetherClient_againstPythonServer() throws Exception {
        try (PeerProcess python = PeerProcess.start(PYTHON, script("ws_server.py"), "2");
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(FAST_HEARTBEAT)
                        .maxFrameSize(2 << 20).maxMessageSize(2 << 20).build())) {
            String portLine = python.nextLine(WAIT);
            assertThat(portLine).startsWith("port ");
            URI uri = URI.create("ws://127.0.0.1:" + portLine.substring(5) + "/");

            RecordingListener listener = new RecordingListener();
            WebSocketConnection connection = client.connect(uri, listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
            connection.sendText("hello from tether");
            assertThat(listener.nextMessage(WAIT)).isEqualTo("hello from tether");
            connection.sendBinary(new byte[] {9, 8, 7});
            assertThat((byte[]) listener.nextMessage(WAIT)).containsExactly(9, 8, 7);
            byte[] big = new byte[1 << 20];
            new Random(7).nextBytes(big);
            connection.sendBinary(big);
            assertThat((byte[]) listener.nextMessage(WAIT)).isEqualTo(big);
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> connection.roundTripTime().isPresent());
            connection.close(4005, "tether leaves").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(python.nextLine(WAIT)).isEqualTo("closed 4005 tether leaves");
            assertThat(listener.awaitTerminal(WAIT).code()).isEqualTo(4005);

            RecordingListener second = new RecordingListener();
            WebSocketConnection other = client.connect(uri, second).toCompletableFuture().get(20, TimeUnit.SECONDS);
            other.sendText("close-me 4006");
            RecordingListener.Terminal end = second.awaitTerminal(WAIT);
            assertThat(end.code()).isEqualTo(4006);
            assertThat(end.reason()).isEqualTo("python says bye");
            assertThat(python.nextLine(WAIT)).startsWith("closed 4006");
            assertThat(python.awaitExit(WAIT)).isZero();
        }
    }
}
