package io.tether.server;

import static io.tether.testkit.RawWebSocket.BINARY;
import static io.tether.testkit.RawWebSocket.CLOSE;
import static io.tether.testkit.RawWebSocket.CONTINUATION;
import static io.tether.testkit.RawWebSocket.PING;
import static io.tether.testkit.RawWebSocket.PONG;
import static io.tether.testkit.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.CloseCodes;
import io.tether.core.CompressionConfig;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.Deflate;
import io.tether.testkit.RawWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * permessage-deflate on the server, against a raw client: the offers a conformance suite makes
 * (RFC 7692 cases of Autobahn's 13.x), compressed and uncompressed messages both ways, the
 * reserved-bit rules, and the limits on what a frame may inflate to.
 */
@Tag("integration")
class CompressionTest {
    private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate\r\n";
    private static final int LIMIT = 64 * 1024;
    private static TetherServer server;
    private static TetherServer plain;

    @BeforeAll
    static void start() {
        server = TetherServer.start(ServerConfig.builder().port(0).endpoint(Endpoint.of("/echo", new EchoListener()))
                .heartbeat(HeartbeatConfig.DISABLED).maxFrameSize(LIMIT).maxMessageSize(4 * LIMIT)
                .compression(CompressionConfig.ENABLED).build());
        plain = TetherServer.start(ServerConfig.builder().port(0).endpoint(Endpoint.of("/echo", new EchoListener()))
                .heartbeat(HeartbeatConfig.DISABLED).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        plain.close();
    }

    private static RawWebSocket connect(String offer) throws IOException {
        return RawWebSocket.connect(server.port(), "/echo", "Sec-WebSocket-Extensions: " + offer + "\r\n");
    }

    private static byte[] text(int size) {
        String line = "{\"t\":\"msg\",\"room\":\"lobby\",\"text\":\"hello\"} ";
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) line.charAt(i % line.length());
        }
        return b;
    }

    @ParameterizedTest(name = "offer [{0}] is answered [{1}]")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
        "permessage-deflate | permessage-deflate",
        "permessage-deflate; client_max_window_bits | permessage-deflate",
        "permessage-deflate; client_max_window_bits=10 | permessage-deflate; client_max_window_bits=10",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
                + " | permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=15 | permessage-deflate; server_max_window_bits=15",
        "permessage-deflate; server_max_window_bits=9 | none",
        "permessage-deflate; server_max_window_bits=8; client_max_window_bits | none",
        "permessage-deflate; server_max_window_bits=9, permessage-deflate; client_max_window_bits=12, permessage-deflate"
                + " | permessage-deflate; client_max_window_bits=12",
        "x-webkit-deflate-frame, permessage-deflate | permessage-deflate",
        "permessage-deflate; foo=bar | none",
        "permessage-deflate; client_max_window_bits=16 | none",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover | none",
    })
    void offers_areAnsweredWithTheFirstAcceptable_orDeclined(String offer, @Nullable String answer) throws IOException {
        try (RawWebSocket ws = connect(offer); Deflate deflate = new Deflate()) {
            assertThat(ws.responseHeader("Sec-WebSocket-Extensions")).isEqualTo(answer);
            byte[] message = text(1000);
            if (answer != null) {
                ws.write(RawWebSocket.frame(true, 4, TEXT, deflate.compress(message), true));
                RawWebSocket.Frame echo = ws.readFrame();
                assertThat(echo.rsv()).as("compressed echo").isEqualTo(4);
                assertThat(deflate.decompress(echo.payload())).isEqualTo(message);
            } else {
                // Declined: the connection goes on uncompressed, and RSV1 is a protocol error again.
                ws.sendFrame(true, TEXT, message);
                RawWebSocket.Frame echo = ws.readFrame();
                assertThat(echo.rsv()).isZero();
                assertThat(echo.payload()).isEqualTo(message);
                ws.write(RawWebSocket.frame(true, 4, TEXT, deflate.compress(message), true));
                assertThat(ws.readCloseFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            }
        }
    }

    @Test
    void manyMessages_withContextTakeover_roundTrip_andCompressBetterAsTheyGo() throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate"); Deflate ours = new Deflate(); Deflate theirs = new Deflate()) {
            int firstSize = 0;
            int lastSize = 0;
            for (int i = 0; i < 200; i++) {
                byte[] message = ("{\"t\":\"msg\",\"room\":\"lobby\",\"from\":\"alice\",\"id\":\"" + i
                        + "\",\"text\":\"the same old chat line, again and again, number " + i + "\"}")
                        .repeat(3).getBytes(StandardCharsets.UTF_8);
                ws.write(RawWebSocket.frame(true, 4, TEXT, ours.compress(message), true));
                RawWebSocket.Frame echo = ws.readFrame();
                assertThat(echo.rsv()).isEqualTo(4);
                assertThat(theirs.decompress(echo.payload())).isEqualTo(message);
                firstSize = i == 0 ? echo.payload().length : firstSize;
                lastSize = echo.payload().length;
            }
            assertThat(lastSize).as("the server's dictionary carries over").isLessThan(firstSize / 2);
        }
    }

    @Test
    void smallMessages_goOutUncompressed_andUncompressedMessagesAreAccepted() throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate"); Deflate deflate = new Deflate()) {
            byte[] small = text(CompressionConfig.DEFAULT_MIN_MESSAGE_SIZE - 1);
            ws.write(RawWebSocket.frame(true, 4, TEXT, deflate.compress(small), true));
            RawWebSocket.Frame echo = ws.readFrame();
            assertThat(echo.rsv()).as("below the minimum size: sent as is").isZero();
            assertThat(echo.payload()).isEqualTo(small);

            byte[] big = text(CompressionConfig.DEFAULT_MIN_MESSAGE_SIZE);
            ws.sendFrame(true, BINARY, big);
            RawWebSocket.Frame bigEcho = ws.readFrame();
            assertThat(bigEcho.opcode()).isEqualTo(BINARY);
            assertThat(bigEcho.rsv()).isEqualTo(4);
            assertThat(deflate.decompress(bigEcho.payload())).isEqualTo(big);
        }
    }

    @Test
    void controlFrames_areNeverCompressed() throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate")) {
            byte[] payload = text(125);
            ws.sendFrame(true, PING, payload);
            RawWebSocket.Frame pong = ws.readFrame();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.rsv()).isZero();
            assertThat(pong.payload()).isEqualTo(payload);
            ws.sendFrame(true, CLOSE, new byte[] {0x03, (byte) 0xe8});
            RawWebSocket.Frame close = ws.readFrame();
            assertThat(close.rsv()).isZero();
            assertThat(close.closeCode()).isEqualTo(CloseCodes.NORMAL);
        }
    }

    @Test
    void fragmentedCompressedMessage_withRsv1OnTheFirstFrameOnly_isJoinedAndInflated() throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate"); Deflate deflate = new Deflate()) {
            byte[] message = "κόσμε, fragmented and compressed. ".repeat(40).getBytes(StandardCharsets.UTF_8);
            byte[] compressed = deflate.compress(message);
            int third = compressed.length / 3;
            ws.write(RawWebSocket.frame(false, 4, TEXT, Arrays.copyOfRange(compressed, 0, third), true));
            ws.write(RawWebSocket.frame(false, 0, CONTINUATION, Arrays.copyOfRange(compressed, third, 2 * third), true));
            ws.write(RawWebSocket.frame(true, 0, CONTINUATION, Arrays.copyOfRange(compressed, 2 * third,
                    compressed.length), true));
            RawWebSocket.Frame echo = ws.readFrame();
            assertThat(echo.opcode()).isEqualTo(TEXT);
            assertThat(deflate.decompress(echo.payload())).isEqualTo(message);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "RSV1 on a continuation frame, 0, 4",
        "RSV1 on a ping, 9, 4",
        "RSV2 on a text frame, 1, 2",
        "RSV3 on a text frame, 1, 1",
    })
    void reservedBitsOutsideTheRules_closeWith1002(String what, int opcode, int rsv) throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate"); Deflate deflate = new Deflate()) {
            byte[] compressed = deflate.compress(text(600));
            if (opcode == CONTINUATION) {
                ws.write(RawWebSocket.frame(false, 4, TEXT, Arrays.copyOfRange(compressed, 0, 10), true));
                ws.write(RawWebSocket.frame(true, rsv, CONTINUATION, Arrays.copyOfRange(compressed, 10,
                        compressed.length), true));
            } else {
                ws.write(RawWebSocket.frame(true, rsv, opcode, opcode == PING ? new byte[] {1} : compressed, true));
            }
            assertThat(ws.readCloseFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            assertThat(ws.awaitEof()).isTrue();
        }
    }

    @Test
    void rsv1WithoutTheExtension_stillClosesWith1002() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(plain.port(), "/echo", OFFER); Deflate deflate = new Deflate()) {
            assertThat(ws.responseHeader("Sec-WebSocket-Extensions")).as("compression off: declined").isNull();
            ws.write(RawWebSocket.frame(true, 4, TEXT, deflate.compress(text(600)), true));
            assertThat(ws.readCloseFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        }
    }

    @Test
    void aFrameInflatingToExactlyTheFrameLimit_passes_oneByteMoreClosesWith1009() throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate"); Deflate deflate = new Deflate()) {
            byte[] atLimit = new byte[LIMIT];
            ws.write(RawWebSocket.frame(true, 4, BINARY, deflate.compress(atLimit), true));
            assertThat(deflate.decompress(ws.readFrame().payload())).isEqualTo(atLimit);

            ws.write(RawWebSocket.frame(true, 4, BINARY, deflate.compress(new byte[LIMIT + 1]), true));
            RawWebSocket.Frame close = ws.readCloseFrame();
            assertThat(close.closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
            assertThat(close.text()).contains("inflates to more than " + LIMIT);
        }
    }

    @Test
    void fragmentsInflatingBeyondTheMessageLimit_closeWith1009() throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate"); Deflate deflate = new Deflate()) {
            // Each fragment inflates to the frame limit; the fifth passes the 4-frame message limit.
            // The fifth is the last: nothing follows it that the server would leave unread (a reset).
            byte[] part = new byte[LIMIT];
            byte[][] fragments = deflate.compressFragments(part, part, part, part, part);
            for (int i = 0; i < 5; i++) {
                ws.write(RawWebSocket.frame(i == 4, i == 0 ? 4 : 0, i == 0 ? BINARY : CONTINUATION, fragments[i], true));
            }
            assertThat(ws.readCloseFrame().closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        }
    }

    @Test
    void aFirstFragmentThatInflatesToNothing_closesWith1003SayingSo_notWith1011() throws IOException {
        // Legal in RFC 7692 but refused by Netty's inflater (found by FuzzProperties): a clear answer.
        try (RawWebSocket ws = connect("permessage-deflate"); Deflate deflate = new Deflate()) {
            byte[][] fragments = deflate.compressFragments(new byte[0], "rest".getBytes(StandardCharsets.UTF_8));
            ws.write(RawWebSocket.frame(false, 4, BINARY, fragments[0], true));
            ws.write(RawWebSocket.frame(true, 0, CONTINUATION, fragments[1], true));
            RawWebSocket.Frame close = ws.readCloseFrame();
            assertThat(close.closeCode()).isEqualTo(1003);
            assertThat(close.closeReason())
                    .isEqualTo("a compressed first fragment that inflates to nothing is not supported");
        }
    }

    @Test
    void dataThatIsNotDeflate_closesWith1007() throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate")) {
            ws.write(RawWebSocket.frame(true, 4, TEXT, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3}, true));
            assertThat(ws.readCloseFrame().closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void invalidUtf8_isFoundInTheInflatedText_1007() throws IOException {
        try (RawWebSocket ws = connect("permessage-deflate"); Deflate deflate = new Deflate()) {
            byte[] bad = text(600);
            bad[300] = (byte) 0xc3; // a lead byte followed by ASCII
            ws.write(RawWebSocket.frame(true, 4, TEXT, deflate.compress(bad), true));
            assertThat(ws.readCloseFrame().closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }
    }
}
