package io.tether.client;

import static io.tether.testkit.RawWebSocket.BINARY;
import static io.tether.testkit.RawWebSocket.CONTINUATION;
import static io.tether.testkit.RawWebSocket.PING;
import static io.tether.testkit.RawWebSocket.PONG;
import static io.tether.testkit.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.CloseCodes;
import io.tether.core.CompressionConfig;
import io.tether.core.ConnectFailedException;
import io.tether.core.ProtocolViolationException;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.testkit.Deflate;
import io.tether.testkit.RawWebSocket;
import io.tether.testkit.RecordingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * permessage-deflate on the client, against a hand-driven raw server: what it offers, which
 * answers it takes and which fail the connect, compressed frames both ways, and a malicious
 * server's decompression bomb.
 */
@Tag("integration")
class ClientCompressionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int LIMIT = 64 * 1024;
    private ServerSocket listening;
    private TetherClient client;

    @BeforeEach
    void setUp() throws IOException {
        listening = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        client = client(CompressionConfig.ENABLED);
    }

    @AfterEach
    void tearDown() throws IOException {
        client.close();
        listening.close();
    }

    private static TetherClient client(CompressionConfig compression) {
        return TetherClient.create(ClientConfig.builder().heartbeat(HeartbeatConfig.DISABLED)
                .maxFrameSize(LIMIT).maxMessageSize(4 * LIMIT).compression(compression).build());
    }

    /** The raw server's side, the offer it read, and the client's connect stage. */
    private record Pair(RawWebSocket server, @Nullable String offer, CompletableFuture<WebSocketConnection> connection,
            RecordingListener listener) {
        WebSocketConnection open() throws Exception {
            return connection.get(10, TimeUnit.SECONDS);
        }
    }

    /** Connects {@code c}; the raw server answers 101 with {@code answer} as Sec-WebSocket-Extensions (null: none). */
    private Pair connect(TetherClient c, @Nullable String answer) throws Exception {
        RecordingListener listener = new RecordingListener();
        CompletableFuture<WebSocketConnection> connection = c.connect(
                URI.create("ws://127.0.0.1:" + listening.getLocalPort() + "/"), listener).toCompletableFuture();
        RawWebSocket server = RawWebSocket.wrap(listening.accept());
        String head = server.readHttpHead();
        String offer = head.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
        server.acceptUpgrade(head, answer == null ? "" : "Sec-WebSocket-Extensions: " + answer + "\r\n");
        return new Pair(server, offer, connection, listener);
    }

    private static byte[] chat(int size) {
        String line = "{\"t\":\"msg\",\"room\":\"lobby\",\"from\":\"alice\",\"text\":\"hi there\"}\n";
        return line.repeat(size / line.length() + 1).substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void offersPermessageDeflate_andCompressesBothWays_smallMessagesAndControlFramesAsThey_are() throws Exception {
        Pair p = connect(client, "permessage-deflate");
        try (RawWebSocket server = p.server(); Deflate ours = new Deflate(); Deflate theirs = new Deflate()) {
            assertThat(p.offer()).isEqualTo("permessage-deflate");
            WebSocketConnection c = p.open();
            byte[] message = chat(1000);
            server.write(RawWebSocket.frame(true, 4, TEXT, ours.compress(message), false));
            assertThat(p.listener().nextMessage(WAIT)).isEqualTo(new String(message, StandardCharsets.UTF_8));

            c.sendText(new String(message, StandardCharsets.UTF_8));
            RawWebSocket.Frame sent = server.readFrame();
            assertThat(sent.rsv()).as("compressed").isEqualTo(4);
            assertThat(theirs.decompress(sent.payload())).isEqualTo(message);

            c.sendBinary(chat(100));
            RawWebSocket.Frame small = server.readFrame();
            assertThat(small.rsv()).as("below the minimum size").isZero();
            assertThat(small.payload()).isEqualTo(chat(100));

            server.sendServerFrame(true, PING, chat(100));
            RawWebSocket.Frame pong = server.readFrame();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.rsv()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover", "permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15",
        "PerMessage-Deflate"})
    void anyAnswerWithinTheOffer_isTaken(String answer) throws Exception {
        Pair p = connect(client, answer);
        try (RawWebSocket server = p.server(); Deflate ours = new Deflate(); Deflate theirs = new Deflate()) {
            WebSocketConnection c = p.open();
            byte[] message = chat(2000);
            for (int i = 0; i < 3; i++) {
                c.sendBinary(message);
                RawWebSocket.Frame sent = server.readFrame();
                assertThat(sent.opcode()).isEqualTo(BINARY);
                if (answer.contains("client_no_context_takeover")) {
                    // The client starts afresh with every message: each inflates with a new dictionary.
                    try (Deflate fresh = new Deflate()) {
                        assertThat(fresh.decompress(sent.payload())).isEqualTo(message);
                    }
                } else {
                    assertThat(theirs.decompress(sent.payload())).isEqualTo(message);
                }
                if (answer.contains("server_no_context_takeover")) {
                    // As promised, this server starts afresh too; the client's inflater does the same.
                    try (Deflate fresh = new Deflate()) {
                        server.write(RawWebSocket.frame(true, 4, BINARY, fresh.compress(message), false));
                    }
                } else {
                    server.write(RawWebSocket.frame(true, 4, BINARY, ours.compress(message), false));
                }
                assertThat((byte[]) p.listener().nextMessage(WAIT)).isEqualTo(message);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"permessage-deflate; client_max_window_bits=10", "x-webkit-deflate-frame",
        "permessage-deflate, permessage-deflate", "permessage-deflate; foo", "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=16"})
    void anAnswerOutsideTheOffer_failsTheConnect(String answer) throws Exception {
        Pair p = connect(client, answer);
        try (RawWebSocket server = p.server()) {
            assertThatThrownBy(p::open).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(ConnectFailedException.class).hasMessageContaining("which was not offered");
            assertThat(((ConnectFailedException) p.connection().handle((c, e) -> e).get().getCause()).kind())
                    .isEqualTo(ConnectFailedException.Kind.HANDSHAKE);
            assertThat(server.awaitEof()).isTrue();
        }
    }

    @Test
    void withCompressionOff_nothingIsOffered_andAnExtensionInTheAnswerFailsTheConnect() throws Exception {
        try (TetherClient plain = client(CompressionConfig.DISABLED)) {
            Pair p = connect(plain, "permessage-deflate");
            try (RawWebSocket server = p.server()) {
                assertThat(p.offer()).isNull();
                assertThatThrownBy(p::open).cause().isInstanceOf(ConnectFailedException.class)
                        .hasMessageContaining("no extension was offered");
            }
        }
    }

    @Test
    void askingForServerNoContextTakeover_offersIt_andAnAnswerWithoutItFails() throws Exception {
        try (TetherClient strict = client(CompressionConfig.ENABLED.toBuilder().serverNoContextTakeover(true)
                .clientNoContextTakeover(true).build())) {
            Pair p = connect(strict, "permessage-deflate");
            try (RawWebSocket server = p.server()) {
                assertThat(p.offer()).isEqualTo("permessage-deflate; client_no_context_takeover; server_no_context_takeover");
                assertThatThrownBy(p::open).cause().isInstanceOf(ConnectFailedException.class);
            }
        }
    }

    @Test
    void withoutTheExtension_rsv1FromTheServer_closesWith1002() throws Exception {
        Pair p = connect(client, null);
        try (RawWebSocket server = p.server(); Deflate ours = new Deflate()) {
            p.open();
            server.write(RawWebSocket.frame(true, 4, TEXT, ours.compress(chat(500)), false));
            assertThat(server.readCloseFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        }
    }

    @Test
    void rsv1OnAContinuationFrame_closesWith1002() throws Exception {
        Pair p = connect(client, "permessage-deflate");
        try (RawWebSocket server = p.server(); Deflate ours = new Deflate()) {
            p.open();
            byte[] compressed = ours.compress(chat(800));
            server.write(RawWebSocket.frame(false, 4, TEXT, Arrays.copyOfRange(compressed, 0, 10), false));
            server.write(RawWebSocket.frame(true, 4, CONTINUATION, Arrays.copyOfRange(compressed, 10,
                    compressed.length), false));
            assertThat(server.readCloseFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            assertThat(p.listener().awaitTerminal(WAIT).cause()).isInstanceOf(ProtocolViolationException.class);
        }
    }

    @Test
    void aMaliciousServersBomb_closesWith1009_andFailsWithProtocolViolation() throws Exception {
        Pair p = connect(client, "permessage-deflate");
        try (RawWebSocket server = p.server()) {
            p.open();
            byte[] bomb = Deflate.zeros(256L << 20);
            assertThat(bomb.length).as("the bomb passes the client's wire limit").isLessThan(LIMIT * 4);
            // Split into frames under the wire limit: the first already inflates far past the frame limit.
            for (int at = 0, i = 0; at < bomb.length; at += LIMIT, i++) {
                server.write(RawWebSocket.frame(at + LIMIT >= bomb.length, i == 0 ? 4 : 0, i == 0 ? BINARY : CONTINUATION,
                        Arrays.copyOfRange(bomb, at, Math.min(bomb.length, at + LIMIT)), false));
                if (i == 0) {
                    break; // the rest would only reset a connection the client has closed
                }
            }
            assertThat(server.readCloseFrame().closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
            Throwable cause = p.listener().awaitTerminal(WAIT).cause();
            assertThat(cause).isInstanceOf(ProtocolViolationException.class);
            assertThat(((ProtocolViolationException) cause).code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        }
    }
}
