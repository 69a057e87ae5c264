package io.tether.server;

import static io.tether.testkit.RawWebSocket.BINARY;
import static io.tether.testkit.RawWebSocket.CLOSE;
import static io.tether.testkit.RawWebSocket.CONTINUATION;
import static io.tether.testkit.RawWebSocket.PING;
import static io.tether.testkit.RawWebSocket.PONG;
import static io.tether.testkit.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The valid-but-unusual cases a conformance suite sends, against the echo endpoint. */
@Tag("integration")
class ServerConformanceTest {
    private static TetherServer server;

    @BeforeAll
    static void start() {
        server = TetherServer.start(ServerConfig.builder().port(0)
                .endpoint(Endpoint.of("/echo", new EchoListener()))
                .heartbeat(HeartbeatConfig.DISABLED)
                .build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void thousandsOfFragments_areJoinedIntoOneMessage() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            int fragments = 5000;
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < fragments; i++) {
                byte[] part = {(byte) ('a' + i % 26)};
                all.write(part);
                ws.write(RawWebSocket.frame(i == fragments - 1, 0, i == 0 ? TEXT : CONTINUATION, part, true));
            }
            RawWebSocket.Frame echo = ws.readFrame();
            assertThat(echo.opcode()).isEqualTo(TEXT);
            assertThat(echo.payload()).isEqualTo(all.toByteArray());
        }
    }

    @Test
    void pingBetweenFragments_isAnsweredAtOnce_andTheMessageStillArrives() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            ws.sendFrame(false, BINARY, new byte[] {1, 2});
            ws.sendFrame(true, PING, "mid".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame pong = ws.readFrame();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("mid");
            ws.sendFrame(true, CONTINUATION, new byte[] {3});
            RawWebSocket.Frame echo = ws.readFrame();
            assertThat(echo.opcode()).isEqualTo(BINARY);
            assertThat(echo.payload()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void fragmentedAndWholeMessagesMixed_onOneConnection_areEchoedInOrder() throws IOException {
        // The aggregator joins the pipeline at the first fragmented message; the ones before and
        // after it, whole or fragmented, must come back unchanged and in order.
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            ws.sendFrame(true, TEXT, "one".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(false, TEXT, "tw".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(true, CONTINUATION, "o".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(true, BINARY, new byte[] {3});
            ws.sendFrame(false, BINARY, new byte[] {4});
            ws.sendFrame(false, CONTINUATION, new byte[] {4});
            ws.sendFrame(true, CONTINUATION, new byte[] {4});
            ws.sendFrame(true, TEXT, "five".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.readFrame().text()).isEqualTo("one");
            assertThat(ws.readFrame().text()).isEqualTo("two");
            assertThat(ws.readFrame().payload()).containsExactly(3);
            assertThat(ws.readFrame().payload()).containsExactly(4, 4, 4);
            assertThat(ws.readFrame().text()).isEqualTo("five");
        }
    }

    @Test
    void closedConnections_leaveTheServersCount() throws IOException {
        int before = server.stats().openConnections();
        try (RawWebSocket whole = RawWebSocket.connect(server.port(), "/echo");
                RawWebSocket fragmented = RawWebSocket.connect(server.port(), "/echo")) {
            fragmented.sendFrame(false, TEXT, "a".getBytes(StandardCharsets.UTF_8));
            fragmented.sendFrame(true, CONTINUATION, "b".getBytes(StandardCharsets.UTF_8));
            assertThat(fragmented.readFrame().text()).isEqualTo("ab");
            whole.sendFrame(true, TEXT, "c".getBytes(StandardCharsets.UTF_8));
            assertThat(whole.readFrame().text()).isEqualTo("c");
            assertThat(server.stats().openConnections()).isEqualTo(before + 2);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().openConnections() == before);
    }

    @Test
    void utf8SplitAcrossFragmentBoundaries_isAccepted() throws IOException {
        byte[] text = "κόσμε €𝄞".getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            for (int i = 0; i < text.length; i++) {
                ws.sendFrame(i == text.length - 1, i == 0 ? TEXT : CONTINUATION, new byte[] {text[i]});
            }
            assertThat(ws.readFrame().text()).isEqualTo("κόσμε €𝄞");
        }
    }

    @Test
    void emptyMessagesAndEmptyFragments_areFine() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            ws.sendFrame(true, TEXT, new byte[0]);
            assertThat(ws.readFrame().payload()).isEmpty();
            ws.sendFrame(false, TEXT, new byte[0]);
            ws.sendFrame(false, CONTINUATION, "x".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(true, CONTINUATION, new byte[0]);
            assertThat(ws.readFrame().text()).isEqualTo("x");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1003, 1007, 1011, 3000, 4999})
    void closeWithValidCode_isEchoed_andTheServerClosesTcp(int code) throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            ws.sendFrame(true, CLOSE, new byte[] {(byte) (code >> 8), (byte) code, 'o', 'k'});
            assertThat(ws.readCloseFrame().closeCode()).isEqualTo(code);
            assertThat(ws.awaitEof()).isTrue();
        }
    }

    @Test
    void emptyClose_isAnsweredWithAnEmptyClose() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            ws.sendFrame(true, CLOSE, new byte[0]);
            RawWebSocket.Frame close = ws.readCloseFrame();
            assertThat(close.payload()).isEmpty();
            assertThat(ws.awaitEof()).isTrue();
        }
    }

    @Test
    void closeWithInvalidUtf8Reason_isRejectedWith1007() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            ws.sendFrame(true, CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, 0x28});
            assertThat(ws.readCloseFrame().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void dataAfterClose_isNotEchoed() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            ws.sendFrame(true, CLOSE, new byte[] {0x03, (byte) 0xE8});
            ws.sendFrame(true, TEXT, "too late".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame first = ws.readFrame();
            assertThat(first.opcode()).isEqualTo(CLOSE);
            assertThat(ws.awaitEof()).isTrue();
        }
    }
}
