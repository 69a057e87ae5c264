package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.demo.EchoListener;
import io.tether.server.demo.EchoSessions;
import io.tether.testkit.RawWebSocket;
import io.tether.testkit.leak.NettyLeakExtension;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated input thrown at a live server — frames with bad lengths, masks, opcodes,
 * reserved bits, fragment orders and UTF-8; {@code tether.v1} frames with random headers; random
 * handshake requests. Whatever arrives, the server answers within its timeouts (a status, a Close
 * frame, or closing TCP), never crashes, never leaks a buffer (Netty's detector in paranoid mode,
 * checked after the properties), and a bystander connection opened before keeps echoing.
 */
@Tag("integration")
class FuzzProperties {
    private static final Duration READ = Duration.ofSeconds(5);
    private static TetherServer server;
    private static RawWebSocket bystander;
    /** A second server, with permessage-deflate, and its bystander. */
    private static TetherServer deflating;
    private static RawWebSocket deflatingBystander;
    private static int echoes;

    @BeforeContainer
    static void start() throws IOException {
        server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                .handshakeTimeout(Duration.ofSeconds(2)).closeTimeout(Duration.ofSeconds(1))
                .maxFrameSize(64 * 1024).maxMessageSize(256 * 1024)
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions())).build());
        bystander = RawWebSocket.connect(server.port(), "/echo");
        deflating = TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                .handshakeTimeout(Duration.ofSeconds(2)).closeTimeout(Duration.ofSeconds(1))
                .maxFrameSize(64 * 1024).maxMessageSize(256 * 1024)
                .compression(io.tether.core.CompressionConfig.builder().enabled(true).minMessageSize(0).build())
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions())).build());
        deflatingBystander = RawWebSocket.connect(deflating.port(), "/echo");
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            bystander.close();
            server.close();
            deflatingBystander.close();
            deflating.close();
        } finally {
            NettyLeakExtension.assertNoLeaks(FuzzProperties.class.getSimpleName());
        }
    }

    private static void assertBystanderEchoes() throws IOException {
        assertEchoes(bystander);
    }

    private static void assertEchoes(RawWebSocket ws) throws IOException {
        String text = "still here " + echoes++;
        ws.sendFrame(true, RawWebSocket.TEXT, text.getBytes(StandardCharsets.UTF_8));
        assertThat(ws.readFrame().text()).isEqualTo(text);
    }

    /** Writes what it can (the server may close first), then reads until the server closes. */
    private static void throwAt(RawWebSocket ws, List<byte[]> chunks) throws IOException {
        try {
            for (byte[] chunk : chunks) {
                ws.write(chunk);
            }
        } catch (IOException closedOnUs) {
            return;
        }
        ws.setReadTimeout(Duration.ofMillis(300));
        try {
            while (true) {
                RawWebSocket.Frame f = ws.readFrame();
                if (f.opcode() == RawWebSocket.CLOSE && f.payload().length >= 2) {
                    // Bad input is the client's fault: 1002, 1003, 1007, 1008, 1009 — never 1011, our bug.
                    assertThat(f.closeCode()).as("close code for bad input").isNotEqualTo(1011).isBetween(1000, 1013);
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            // Input the server is still waiting to complete (a frame cut short): that is allowed,
            // the connection is closed from this side.
        } catch (java.io.EOFException | java.net.SocketException closed) {
            // The server closed: the expected end.
        }
    }

    @Property(tries = 150)
    void randomAndMutatedFrames_leaveTheServerAndABystanderUnharmed(@ForAll("frames") List<byte[]> frames)
            throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            throwAt(ws, frames);
        }
        assertBystanderEchoes();
    }

    @Property(tries = 100)
    void randomTetherV1Frames_leaveTheServerAndABystanderUnharmed(@ForAll("sessionFrames") List<byte[]> frames)
            throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(server.port())) {
            assertThat(ws.requestUpgrade("/echo", "Sec-WebSocket-Protocol: tether.v1")).startsWith("HTTP/1.1 101");
            throwAt(ws, frames);
        }
        assertBystanderEchoes();
    }

    @Property(tries = 150)
    void randomHandshakeRequests_getAStatusOrAClose_withinTheHandshakeTimeout(@ForAll("requests") byte[] request)
            throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(server.port())) {
            ws.setReadTimeout(READ);
            try {
                ws.write(request);
            } catch (IOException closedOnUs) {
                return;
            }
            String head;
            try {
                head = ws.readHttpHead();
            } catch (java.io.EOFException closed) {
                head = null; // closed without an answer (e.g. the handshake timeout): allowed
            } catch (java.net.SocketException reset) {
                head = null;
            }
            if (head != null) {
                assertThat(head).as("an HTTP status line").matches("(?s)HTTP/1\\.1 [1-5]\\d\\d .*");
            }
        }
        assertBystanderEchoes();
    }

    @Property(tries = 80)
    void randomCompressedMessages_leaveTheServerAndABystanderUnharmed(
            @ForAll("compressedMessages") List<List<byte[]>> messages, @ForAll("mutations") List<Integer> mutations)
            throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(deflating.port());
                io.tether.testkit.Deflate deflate = new io.tether.testkit.Deflate()) {
            assertThat(ws.requestUpgrade("/echo", "Sec-WebSocket-Extensions: permessage-deflate"))
                    .startsWith("HTTP/1.1 101").containsIgnoringCase("permessage-deflate");
            List<byte[]> frames = new java.util.ArrayList<>();
            int m = 0;
            for (List<byte[]> parts : messages) {
                byte[][] payloads = deflate.compressFragments(parts.toArray(byte[][]::new));
                for (int i = 0; i < payloads.length; i++) {
                    int mutation = mutations.isEmpty() ? 0 : mutations.get(m++ % mutations.size());
                    byte[] payload = mutation == 1 && payloads[i].length > 0 ? flipOneBit(payloads[i], m) : payloads[i];
                    // RSV1 on the first fragment only, as RFC 7692 says; mutation 2 moves it.
                    int rsv = (i == 0) != (mutation == 2) ? 4 : 0;
                    frames.add(RawWebSocket.frame(i == payloads.length - 1, rsv,
                            i == 0 ? RawWebSocket.BINARY : RawWebSocket.CONTINUATION, payload, true));
                }
            }
            throwAt(ws, frames);
        }
        assertEchoes(deflatingBystander);
    }

    private static byte[] flipOneBit(byte[] b, int where) {
        byte[] c = b.clone();
        c[where % c.length] ^= (byte) (1 << (where % 8));
        return c;
    }

    @Provide
    Arbitrary<List<List<byte[]>>> compressedMessages() {
        Arbitrary<byte[]> part = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.strings().ofMaxLength(100).map(t -> t.repeat(3).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(new byte[0]));
        return part.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(4);
    }

    /** Per fragment: 0 as made (mostly), 1 a bit flipped in the deflated bytes, 2 RSV1 moved. */
    @Provide
    Arbitrary<List<Integer>> mutations() {
        return Arbitraries.frequency(net.jqwik.api.Tuple.of(8, 0), net.jqwik.api.Tuple.of(1, 1),
                net.jqwik.api.Tuple.of(1, 2)).list().ofMaxSize(6);
    }

    // ---- generators ------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<byte[]>> frames() {
        return frame().list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<byte[]>> sessionFrames() {
        Arbitrary<byte[]> body = Combinators.combine(Arbitraries.integers().between(0, 12),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64)).as((type, rest) -> {
                    byte[] b = new byte[rest.length + 1];
                    b[0] = (byte) (int) type;
                    System.arraycopy(rest, 0, b, 1, rest.length);
                    return b;
                });
        Arbitrary<byte[]> binary = Combinators.combine(body, Arbitraries.of(true, true, false))
                .as((payload, fin) -> RawWebSocket.frame(fin, 0, RawWebSocket.BINARY, payload, true));
        return Arbitraries.oneOf(binary, frame()).list().ofMinSize(1).ofMaxSize(8);
    }

    private static Arbitrary<byte[]> frame() {
        Arbitrary<Integer> opcode = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(RawWebSocket.TEXT, RawWebSocket.BINARY, RawWebSocket.CONTINUATION)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(RawWebSocket.PING, RawWebSocket.PONG, RawWebSocket.CLOSE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 15)));
        Arbitrary<byte[]> payload = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
        Arbitrary<byte[]> wellFormed = Combinators.combine(Arbitraries.of(true, true, false),
                Arbitraries.frequency(net.jqwik.api.Tuple.of(8, 0), net.jqwik.api.Tuple.of(1, 4),
                        net.jqwik.api.Tuple.of(1, 3)), opcode, payload, Arbitraries.of(true, true, true, false))
                .as(RawWebSocket::frame);
        return Combinators.combine(wellFormed, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1 << 20))
                .as(FuzzProperties::mutate);
    }

    /** 0: as built; 1: one bit flipped; 2: cut short; 3: a length field that lies (huge or off). */
    private static byte[] mutate(byte[] frame, int how, int where) {
        byte[] f = frame.clone();
        switch (how) {
            case 1 -> f[where % f.length] ^= (byte) (1 << (where % 8));
            case 2 -> f = java.util.Arrays.copyOf(f, where % f.length);
            case 3 -> f[1] = (byte) ((f[1] & 0x80) | (where % 2 == 0 ? 127 : Math.min(125, (f[1] & 0x7f) + 1 + where % 5)));
            default -> { }
        }
        return f;
    }

    @Provide
    Arbitrary<byte[]> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "GET", "GET", "POST", "HEAD", "OPTIONS", "G T", "get", "");
        Arbitrary<String> path = Arbitraries.oneOf(Arbitraries.of("/echo", "/echo", "/", "/nope", "//", "/echo?x=%zz",
                "/health/ready", "*", "/demo/token?nick=a"), Arbitraries.strings().ofMaxLength(40).map(s -> "/" + s));
        Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "");
        Arbitrary<String> header = Arbitraries.oneOf(
                Arbitraries.of("Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade", "Connection: keep-alive, Upgrade",
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Key: short",
                        "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", "Sec-WebSocket-Version: x",
                        "Sec-WebSocket-Protocol: tether.v1", "Sec-WebSocket-Protocol: ,,,", "Origin: null",
                        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
                        "Authorization: Bearer a.b.c", "Content-Length: 5", "Transfer-Encoding: chunked",
                        "X-Huge: " + "x".repeat(9000), ": no name", "no colon"),
                Arbitraries.strings().ofMaxLength(60));
        Arbitrary<String> eol = Arbitraries.of("\r\n", "\r\n", "\n");
        return Combinators.combine(method, path, version, header.list().ofMaxSize(10), eol,
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as((m, p, v, headers, nl, tail) -> {
                    StringBuilder b = new StringBuilder(m).append(' ').append(p).append(' ').append(v).append(nl);
                    headers.forEach(h -> b.append(h).append(nl));
                    byte[] head = b.append(nl).toString().getBytes(StandardCharsets.UTF_8);
                    byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
                    System.arraycopy(tail, 0, all, head.length, tail.length);
                    return all;
                });
    }
}
