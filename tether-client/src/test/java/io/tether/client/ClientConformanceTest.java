package io.tether.client;

import static io.tether.testkit.RawWebSocket.BINARY;
import static io.tether.testkit.RawWebSocket.CLOSE;
import static io.tether.testkit.RawWebSocket.CONTINUATION;
import static io.tether.testkit.RawWebSocket.PING;
import static io.tether.testkit.RawWebSocket.PONG;
import static io.tether.testkit.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.ProtocolViolationException;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.testkit.RawWebSocket;
import io.tether.testkit.RecordingListener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Tether client against a hand-driven raw server that sends unusual and invalid frames. */
@Tag("integration")
class ClientConformanceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ServerSocket listening;
    private TetherClient client;

    @BeforeEach
    void setUp() throws Exception {
        listening = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        client = TetherClient.create(ClientConfig.builder().heartbeat(HeartbeatConfig.DISABLED)
                .maxFrameSize(4096).maxMessageSize(16384).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        listening.close();
    }

    private record Pair(RawWebSocket server, WebSocketConnection connection, RecordingListener listener) {
    }

    private Pair connect() throws Exception {
        CompletableFuture<RawWebSocket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return RawWebSocket.accept(listening);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        RecordingListener listener = new RecordingListener();
        WebSocketConnection connection = client.connect(URI.create("ws://127.0.0.1:" + listening.getLocalPort() + "/"),
                listener).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Pair(accepted.get(10, TimeUnit.SECONDS), connection, listener);
    }

    @Test
    void fragmentedMessageWithPingInTheMiddle_isJoined_andThePingAnswered() throws Exception {
        Pair p = connect();
        try (RawWebSocket server = p.server()) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 3000; i++) {
                String part = Integer.toString(i % 10);
                expected.append(part);
                server.sendServerFrame(i == 2999, i == 0 ? TEXT : CONTINUATION, part.getBytes(StandardCharsets.UTF_8));
                if (i == 1500) {
                    server.sendServerFrame(true, PING, "hb".getBytes(StandardCharsets.UTF_8));
                }
            }
            RawWebSocket.Frame pong = server.readFrame();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("hb");
            assertThat(p.listener().nextMessage(WAIT)).isEqualTo(expected.toString());
        }
    }

    @Test
    void maskedFrameFromServer_closesWith1002() throws Exception {
        Pair p = connect();
        try (RawWebSocket server = p.server()) {
            server.write(RawWebSocket.frame(true, 0, TEXT, "masked".getBytes(StandardCharsets.UTF_8), true));
            assertThat(server.readCloseFrame().closeCode()).isEqualTo(1002);
            assertThat(p.listener().awaitTerminal(WAIT).cause()).isInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void invalidUtf8FromServer_closesWith1007() throws Exception {
        Pair p = connect();
        try (RawWebSocket server = p.server()) {
            server.sendServerFrame(true, TEXT, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
            assertThat(server.readCloseFrame().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void frameOverTheClientLimit_closesWith1009() throws Exception {
        Pair p = connect();
        try (RawWebSocket server = p.server()) {
            server.sendServerFrame(true, BINARY, new byte[4097]);
            assertThat(server.readCloseFrame().closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void serverClose_isEchoed_andTheClientWaitsForTheServerToCloseTcp() throws Exception {
        Pair p = connect();
        try (RawWebSocket server = p.server()) {
            server.sendServerFrame(true, CLOSE, new byte[] {0x10, 0x04, 'b', 'y', 'e'});
            RawWebSocket.Frame echo = server.readCloseFrame();
            assertThat(echo.closeCode()).isEqualTo(4100);
            assertThat(p.listener().terminal).isNotDone();
            server.close();
            RecordingListener.Terminal end = p.listener().awaitTerminal(WAIT);
            assertThat(end.code()).isEqualTo(4100);
            assertThat(end.reason()).isEqualTo("bye");
        }
    }
}
