package io.tether.server;

import static io.tether.testkit.RawWebSocket.BINARY;
import static io.tether.testkit.RawWebSocket.CLOSE;
import static io.tether.testkit.RawWebSocket.CONTINUATION;
import static io.tether.testkit.RawWebSocket.PING;
import static io.tether.testkit.RawWebSocket.TEXT;
import static io.tether.testkit.RawWebSocket.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.RawWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets its exact close code or HTTP status, and a second, well-behaved
 * connection opened before the bad one keeps working throughout.
 */
@Tag("integration")
class ServerBadInputTest {
    private static final int MAX_FRAME = 1024;
    private static final int MAX_MESSAGE = 4096;
    private static TetherServer server;

    @BeforeAll
    static void start() {
        server = TetherServer.start(ServerConfig.builder().port(0)
                .endpoint(Endpoint.of("/echo", new EchoListener()))
                .maxFrameSize(MAX_FRAME).maxMessageSize(MAX_MESSAGE)
                .heartbeat(HeartbeatConfig.DISABLED)
                .build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> badHttp() {
        return Stream.of(
                Arguments.of("plain GET, no upgrade", "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n", 400,
                        "expected a WebSocket upgrade"),
                Arguments.of("malformed request line", "THIS IS NOT HTTP\r\n\r\n", 400, "malformed HTTP request"),
                Arguments.of("unknown path", upgrade("/nowhere", "13", true), 404, "no WebSocket endpoint at /nowhere"),
                Arguments.of("POST", upgrade("/echo", "13", true).replace("GET", "POST"), 400, "must use GET"),
                Arguments.of("no Sec-WebSocket-Key", upgrade("/echo", "13", false), 400, "invalid WebSocket handshake"),
                Arguments.of("unsupported version 8", upgrade("/echo", "8", true), 426, "this server speaks 13"),
                Arguments.of("no version (hixie-76)", upgrade("/echo", "13", true).replace("Sec-WebSocket-Version: 13\r\n", ""), 426, "speaks 13"));
    }

    @ParameterizedTest(name = "{0} -> HTTP {2}")
    @MethodSource("badHttp")
    void badHandshake_getsHttpErrorWithReason_othersUnaffected(String name, String request, int status,
            String reason) throws IOException {
        try (RawWebSocket bystander = RawWebSocket.connect(server.port(), "/echo");
                RawWebSocket bad = RawWebSocket.open(server.port())) {
            bad.write(request.getBytes(StandardCharsets.ISO_8859_1));
            String head = bad.readHttpHead();
            assertThat(head).startsWith("HTTP/1.1 " + status + " ");
            String body = bad.readUntilClosed();
            assertThat(body).contains(reason);
            assertEchoWorks(bystander);
        }
    }

    static Stream<Arguments> badFrames() {
        byte[] big = new byte[MAX_FRAME + 1];
        byte[] chunk = new byte[MAX_FRAME];
        byte[] invalidUtf8 = {(byte) 0xC3, 0x28};
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("frame over maxFrameSize", 1009, new byte[][] {frame(true, 0, BINARY, big, true)}),
                Arguments.of("message over maxMessageSize", 1009, new byte[][] {
                        frame(false, 0, BINARY, chunk, true), frame(false, 0, CONTINUATION, chunk, true),
                        frame(false, 0, CONTINUATION, chunk, true), frame(false, 0, CONTINUATION, chunk, true),
                        frame(true, 0, CONTINUATION, chunk, true)}),
                Arguments.of("invalid UTF-8 in text", 1007, new byte[][] {frame(true, 0, TEXT, invalidUtf8, true)}),
                Arguments.of("invalid UTF-8 across fragments", 1007, new byte[][] {
                        frame(false, 0, TEXT, new byte[] {'a', euro[0], euro[1]}, true),
                        frame(true, 0, CONTINUATION, new byte[] {'b'}, true)}),
                Arguments.of("unmasked client frame", 1002, new byte[][] {frame(true, 0, TEXT, "hi".getBytes(), false)}),
                Arguments.of("unknown opcode 3", 1002, new byte[][] {frame(true, 0, 0x3, new byte[0], true)}),
                Arguments.of("unknown control opcode 11", 1002, new byte[][] {frame(true, 0, 0xB, new byte[0], true)}),
                Arguments.of("fragmented ping", 1002, new byte[][] {frame(false, 0, PING, new byte[1], true)}),
                Arguments.of("ping over 125 bytes", 1002, new byte[][] {frame(true, 0, PING, new byte[126], true)}),
                Arguments.of("reserved bit set", 1002, new byte[][] {frame(true, 4, TEXT, "x".getBytes(), true)}),
                Arguments.of("continuation without start", 1002, new byte[][] {
                        frame(true, 0, CONTINUATION, "x".getBytes(), true)}),
                Arguments.of("new message inside a fragmented one", 1002, new byte[][] {
                        frame(false, 0, TEXT, "a".getBytes(), true), frame(true, 0, TEXT, "b".getBytes(), true)}),
                Arguments.of("close code 999", 1002, new byte[][] {frame(true, 0, CLOSE, new byte[] {0x03, (byte) 0xE7}, true)}),
                // RFC 6455 7.4.2 defines no code from 5000 up (found by FuzzProperties: Netty let 65280 be echoed).
                Arguments.of("close code 5000", 1002, new byte[][] {frame(true, 0, CLOSE, new byte[] {0x13, (byte) 0x88}, true)}),
                Arguments.of("close code 65280", 1002, new byte[][] {frame(true, 0, CLOSE, new byte[] {(byte) 0xFF, 0x00}, true)}),
                Arguments.of("close with 1-byte payload", 1002, new byte[][] {frame(true, 0, CLOSE, new byte[] {0x03}, true)}));
    }

    @ParameterizedTest(name = "{0} -> close {1}")
    @MethodSource("badFrames")
    void badFrame_closesWithTheRfcCode_othersUnaffected(String name, int code, byte[][] frames) throws IOException {
        try (RawWebSocket bystander = RawWebSocket.connect(server.port(), "/echo");
                RawWebSocket bad = RawWebSocket.connect(server.port(), "/echo")) {
            for (byte[] f : frames) {
                bad.write(f);
            }
            RawWebSocket.Frame close = bad.readCloseFrame();
            assertThat(close.closeCode()).as(name).isEqualTo(code);
            assertThat(bad.awaitEof()).isTrue();
            assertEchoWorks(bystander);
        }
    }

    private static void assertEchoWorks(RawWebSocket ws) throws IOException {
        ws.sendFrame(true, TEXT, "still here".getBytes(StandardCharsets.UTF_8));
        RawWebSocket.Frame echo = ws.readFrame();
        assertThat(echo.opcode()).isEqualTo(TEXT);
        assertThat(echo.text()).isEqualTo("still here");
    }

    private static String upgrade(String path, String version, boolean withKey) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + (withKey ? "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" : "")
                + "Sec-WebSocket-Version: " + version + "\r\n\r\n";
    }
}
