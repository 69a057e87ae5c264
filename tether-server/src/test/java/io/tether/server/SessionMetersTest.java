package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.session.SessionConfig;
import io.tether.server.demo.EchoListener;
import io.tether.server.demo.EchoSessions;
import io.tether.testkit.RawWebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The session meters after a resume scripted frame by frame (a raw tether.v1 client decides what
 * it acknowledges and what it sends twice), so every count is known exactly.
 */
@Tag("integration")
class SessionMetersTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String V1 = "Sec-WebSocket-Protocol: " + Frame.SUBPROTOCOL + "\r\n";

    private static double count(MeterRegistry r, String name) {
        var s = r.find(name).tag("endpoint", "/echo");
        return s.functionCounter() != null ? s.functionCounter().count() : r.get(name).functionCounter().count();
    }

    private static void send(RawWebSocket ws, Frame frame) throws IOException {
        ws.sendFrame(true, RawWebSocket.BINARY, FrameCodec.encode(frame).array());
    }

    private static Frame.Data data(long seq, long ack, String text) {
        return new Frame.Data(seq, ack, false, false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The next tether.v1 frame that is not an ACK. */
    private static Frame next(RawWebSocket ws) throws IOException {
        while (true) {
            RawWebSocket.Frame f = ws.readFrame();
            assertThat(f.opcode()).as("frame opcode").isEqualTo(RawWebSocket.BINARY);
            Frame decoded = FrameCodec.decode(ByteBuffer.wrap(f.payload()));
            if (!(decoded instanceof Frame.Ack)) {
                return decoded;
            }
        }
    }

    private static List<Long> dataSeqs(RawWebSocket ws, int n) throws IOException {
        List<Long> seqs = new ArrayList<>();
        while (seqs.size() < n) {
            seqs.add(((Frame.Data) next(ws)).seq());
        }
        return seqs;
    }

    @Test
    void aResumeCountsItsReplaysAndDroppedDuplicates_anExpiryItsInDoubtMessages() throws Exception {
        MeterRegistry meters = new SimpleMeterRegistry();
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).meterRegistry(meters)
                .heartbeat(HeartbeatConfig.DISABLED).sessions(SessionConfig.builder().ttl(Duration.ofSeconds(3)).build())
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions())).build())) {
            Frame.Welcome first;
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo", V1)) {
                send(ws, new Frame.Hello(Frame.VERSION, 0, "", ""));
                first = (Frame.Welcome) next(ws);
                send(ws, data(1, 0, "a"));
                send(ws, data(2, 0, "b"));
                send(ws, data(3, 0, "c"));
                assertThat(dataSeqs(ws, 3)).containsExactly(1L, 2L, 3L);
            } // TCP closed without a Close frame, nothing of the server's acknowledged
            await().atMost(WAIT).until(() -> meters.get("tether.sessions.detached").gauge().value() == 1);
            assertThat(meters.get("tether.replay.buffer.messages").gauge().value()).isEqualTo(3);

            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo", V1)) {
                // We claim to have received only the first echo: the server replays 2 and 3.
                send(ws, new Frame.Hello(Frame.VERSION, 1, first.sessionId(), first.token()));
                Frame.Welcome resumed = (Frame.Welcome) next(ws);
                assertThat(resumed.resumed()).isTrue();
                assertThat(resumed.lastReceived()).isEqualTo(3);
                assertThat(dataSeqs(ws, 2)).containsExactly(2L, 3L);
                // Our 3 again (it arrived before): dropped, not echoed. Then 4, echoed as the server's 4.
                send(ws, data(3, 1, "c"));
                send(ws, data(4, 1, "d"));
                assertThat(dataSeqs(ws, 1)).containsExactly(4L);
            }
            assertThat(count(meters, "tether.sessions.opened")).isEqualTo(1);
            assertThat(count(meters, "tether.sessions.resumed")).isEqualTo(1);
            assertThat(count(meters, "tether.messages.replayed")).isEqualTo(2);
            assertThat(count(meters, "tether.messages.duplicates.dropped")).isEqualTo(1);
            assertThat(meters.get("tether.sessions.resume.latency").timer().count()).isEqualTo(1);
            // HELLO + 3 DATA, then HELLO + 2 DATA: every data message the server took.
            assertThat(meters.get("tether.messages.received").functionCounter().count()).isEqualTo(7);
            // WELCOME + 3 echoes, WELCOME + 2 replayed + 1 echo, and any ACKs.
            assertThat(meters.get("tether.messages.sent").functionCounter().count()).isGreaterThanOrEqualTo(8);

            // Nobody resumes again: the TTL runs out with the server's 2, 3 and 4 unacknowledged.
            await().atMost(WAIT).until(() -> count(meters, "tether.sessions.expired") == 1);
            assertThat(count(meters, "tether.messages.in.doubt")).isEqualTo(3);
            assertThat(count(meters, "tether.messages.not.delivered")).isZero();
            assertThat(meters.get("tether.sessions.held").gauge().value()).isZero();
            assertThat(meters.get("tether.replay.buffer.messages").gauge().value()).isZero();
        }
    }
}
