package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.CompressionConfig;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.PeerProcess;
import io.tether.testkit.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate interop with python3-websockets, which compresses by default: Tether server
 * with a python client and Tether client with a python server, each asserting what was offered and
 * answered, then round-tripping text and binary, 1 MiB messages (compressible and not), a message
 * below the minimum size, and 500 small chat messages (the dictionaries carry over).
 */
@Tag("interop")
class PythonDeflateInteropTest {
    private static final String PYTHON = PythonPeer.PYTHON;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LIMIT = 2 << 20;

    @BeforeAll
    static void pythonWebsocketsIsInstalled() throws Exception {
        PythonPeer.requireWebsockets(WAIT);
    }

    private static String script(String name) {
        return PythonPeer.script(name);
    }

    @Test
    void pythonClient_againstTetherServer_negotiatesAndRoundTrips() throws Exception {
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                        .maxFrameSize(LIMIT).maxMessageSize(LIMIT).compression(CompressionConfig.ENABLED)
                        .endpoint(Endpoint.of("/echo", new EchoListener())).build());
                PeerProcess python = PeerProcess.start(PYTHON, script("ws_deflate_client.py"),
                        "ws://127.0.0.1:" + server.port() + "/echo")) {
            assertThat(python.nextLine(WAIT)).isEqualTo("offered permessage-deflate; client_max_window_bits");
            assertThat(python.nextLine(WAIT)).isEqualTo("answered permessage-deflate");
            assertThat(python.nextLine(WAIT)).isEqualTo("active permessage-deflate");
            assertThat(python.nextLine(WAIT)).as("stderr: %s", python.stderr()).isEqualTo("messages ok");
            assertThat(python.nextLine(WAIT)).isEqualTo("500 small ok");
            assertThat(python.nextLine(WAIT)).isEqualTo("closed 1000");
            assertThat(python.awaitExit(WAIT)).isZero();
        }
    }

    @Test
    void tetherClient_againstPythonServer_negotiatesAndRoundTrips() throws Exception {
        try (PeerProcess python = PeerProcess.start(PYTHON, script("ws_deflate_server.py"));
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(HeartbeatConfig.DISABLED)
                        .maxFrameSize(LIMIT).maxMessageSize(LIMIT).compression(CompressionConfig.ENABLED).build())) {
            String portLine = python.nextLine(WAIT);
            assertThat(portLine).startsWith("port ");
            RecordingListener listener = new RecordingListener();
            WebSocketConnection connection = client.connect(URI.create("ws://127.0.0.1:" + portLine.substring(5) + "/"),
                    listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(python.nextLine(WAIT)).isEqualTo("offered permessage-deflate");
            // websockets asks for a 12-bit server window by default: a smaller window is fine to inflate.
            assertThat(python.nextLine(WAIT)).isEqualTo("answered permessage-deflate; server_max_window_bits=12");
            assertThat(python.nextLine(WAIT)).isEqualTo("active permessage-deflate");

            String text = "hello from tether ".repeat(100);
            connection.sendText(text);
            assertThat(listener.nextMessage(WAIT)).isEqualTo(text);
            connection.sendText("tiny");
            assertThat(listener.nextMessage(WAIT)).isEqualTo("tiny");
            byte[] random = new byte[1 << 20];
            new Random(7).nextBytes(random);
            connection.sendBinary(random);
            assertThat((byte[]) listener.nextMessage(WAIT)).isEqualTo(random);
            String compressible = "abc".repeat((1 << 20) / 3);
            connection.sendText(compressible);
            assertThat(listener.nextMessage(WAIT)).isEqualTo(compressible);
            for (int i = 0; i < 500; i++) {
                String chat = "{\"t\":\"msg\",\"room\":\"lobby\",\"from\":\"bob\",\"id\":\"" + i + "\",\"text\":\"lunch?\"}";
                connection.sendText(chat);
                assertThat(listener.nextMessage(WAIT)).isEqualTo(chat);
            }
            connection.close(1000, "done").toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(python.nextLine(WAIT)).isEqualTo("closed 1000");
            assertThat(python.awaitExit(WAIT)).isZero();
        }
    }
}
