package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.core.CloseCodes;
import io.tether.core.ConnectionClosedException;
import io.tether.core.WebSocketConnection;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.RawWebSocket;
import io.tether.testkit.RecordingListener;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Each limit of {@link ConnectionLimits} on a live server: its exact answer, and that it touches
 * no other connection.
 */
@Tag("integration")
class ConnectionLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final MeterRegistry meters = new SimpleMeterRegistry();

    private TetherServer start(ConnectionLimits limits) {
        return TetherServer.start(ServerConfig.builder().port(0).ioThreads(1).limits(limits).meterRegistry(meters)
                .endpoint(Endpoint.of("/echo", new EchoListener())).build());
    }

    private double rejected(String reason) {
        return meters.get("tether.admission.rejected").tag("reason", reason).functionCounter().count();
    }

    private double closed(String cause) {
        var c = meters.find("tether.connections.closed").tag("cause", cause).counter();
        return c == null ? 0 : c.count();
    }

    private static void assertEchoes(RawWebSocket ws, String text) throws Exception {
        ws.sendFrame(true, RawWebSocket.TEXT, text.getBytes(StandardCharsets.UTF_8));
        assertThat(ws.readFrame().text()).isEqualTo(text);
    }

    @Test
    void pastMaxConnections_aHandshakeIs503WithRetryAfter_untilOneCloses() throws Exception {
        try (TetherServer server = start(ConnectionLimits.builder().maxConnections(2).build());
                RawWebSocket first = RawWebSocket.connect(server.port(), "/echo")) {
            try (RawWebSocket second = RawWebSocket.connect(server.port(), "/echo");
                    RawWebSocket third = RawWebSocket.open(server.port())) {
                String head = third.requestUpgrade("/echo");
                assertThat(head).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 5");
                assertThat(third.readUntilClosed()).startsWith("server full: 2 connections open");
                assertEchoes(second, "unaffected");
                assertThat(rejected("max_connections")).isEqualTo(1);
                assertThat(rejected("handshake_rate")).isZero();
            }
            await().atMost(WAIT).until(() -> server.connectionCount() == 1);
            try (RawWebSocket again = RawWebSocket.connect(server.port(), "/echo")) {
                assertEchoes(again, "a slot was given back");
            }
            assertEchoes(first, "still here");
        }
    }

    @Test
    void perAddress_countsTheForwardedClient_behindATrustedProxy() throws Exception {
        ConnectionLimits limits = ConnectionLimits.builder().maxConnectionsPerAddress(1)
                .trustedProxies(Set.of("127.0.0.1")).build();
        try (TetherServer server = start(limits);
                RawWebSocket a = RawWebSocket.open(server.port());
                RawWebSocket b = RawWebSocket.open(server.port());
                RawWebSocket a2 = RawWebSocket.open(server.port())) {
            assertThat(a.requestUpgrade("/echo", "X-Forwarded-For: 10.0.0.1")).startsWith("HTTP/1.1 101");
            assertThat(b.requestUpgrade("/echo", "X-Forwarded-For: 6.6.6.6, 10.0.0.2")).startsWith("HTTP/1.1 101");
            assertThat(a2.requestUpgrade("/echo", "X-Forwarded-For: 10.0.0.1")).startsWith("HTTP/1.1 503");
            assertThat(a2.readUntilClosed()).startsWith("too many connections from 10.0.0.1 (limit 1)");
            assertEchoes(a, "one per client");
        }
        try (TetherServer server = start(ConnectionLimits.builder().maxConnectionsPerAddress(1).build());
                RawWebSocket a = RawWebSocket.open(server.port());
                RawWebSocket forged = RawWebSocket.open(server.port())) {
            assertThat(a.requestUpgrade("/echo")).startsWith("HTTP/1.1 101");
            assertThat(forged.requestUpgrade("/echo", "X-Forwarded-For: 10.9.9.9"))
                    .as("an untrusted peer's X-Forwarded-For is ignored").startsWith("HTTP/1.1 503");
        }
    }

    @Test
    void handshakesPerAddress_pastTheBurstAre429WithRetryAfter() throws Exception {
        try (TetherServer server = start(ConnectionLimits.builder().handshakesPerAddress(0.5, 2).build());
                RawWebSocket one = RawWebSocket.connect(server.port(), "/echo");
                RawWebSocket two = RawWebSocket.connect(server.port(), "/echo");
                RawWebSocket three = RawWebSocket.open(server.port())) {
            String head = three.requestUpgrade("/echo");
            assertThat(head).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after: 2");
            assertThat(three.readUntilClosed()).startsWith("too many handshakes from 127.0.0.1");
            assertEchoes(one, "open connections are not touched");
            assertThat(rejected("handshake_rate")).isEqualTo(1);
            assertThat(rejected("max_connections")).isZero();
        }
    }

    @Test
    void aClientSendingFasterThanTheRate_isClosedWith1008_aBystanderIsNot() throws Exception {
        try (TetherServer server = start(ConnectionLimits.builder().inboundMessages(5, 5).build());
                RawWebSocket greedy = RawWebSocket.connect(server.port(), "/echo");
                RawWebSocket bystander = RawWebSocket.connect(server.port(), "/echo")) {
            for (int i = 0; i < 20; i++) {
                greedy.sendFrame(true, RawWebSocket.TEXT, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            RawWebSocket.Frame f;
            int echoed = 0;
            while ((f = greedy.readFrame()).opcode() == RawWebSocket.TEXT) {
                echoed++;
            }
            assertThat(f.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(f.closeCode()).isEqualTo(CloseCodes.POLICY_VIOLATION);
            assertThat(f.closeReason())
                    .isEqualTo("message rate above 5/s");
            assertThat(echoed).as("the burst got through, no more").isBetween(5, 6);
            assertEchoes(bystander, "fine");
            await().atMost(WAIT).until(() -> closed("limit") == 1);
        }
    }

    @Test
    void aReaderThatDoesNotKeepUp_isClosedWith1013_whileAFastOneOnTheSameEventLoopKeepsGoing() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        RecordingListener flooder = new RecordingListener() {
            @Override
            public void onText(WebSocketConnection connection, String text) {
                if (text.equals("flood")) {
                    for (int i = 0; i < 64; i++) {
                        connection.sendBinary(chunk);
                    }
                } else {
                    connection.sendText(text);
                }
            }
        };
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).ioThreads(1).meterRegistry(meters)
                .limits(ConnectionLimits.builder().maxQueuedBytes(1 << 20).build())
                .endpoint(Endpoint.of("/flood", flooder)).build());
                Socket slowSocket = new Socket()) {
            // A small receive buffer and no reading: the server's socket buffer fills.
            slowSocket.setReceiveBufferSize(4096);
            slowSocket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            RawWebSocket slow = RawWebSocket.wrap(slowSocket);
            assertThat(slow.requestUpgrade("/flood")).startsWith("HTTP/1.1 101");
            WebSocketConnection slowOnServer = flooder.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            slow.sendFrame(true, RawWebSocket.TEXT, "flood".getBytes(StandardCharsets.UTF_8));

            RecordingListener.Terminal end = flooder.awaitTerminal(WAIT);
            assertThat(end.connection()).isSameAs(slowOnServer);
            assertThat(end.cause()).isInstanceOf(ConnectionClosedException.class);
            assertThat(((ConnectionClosedException) end.cause()).code()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
            assertThat(end.cause().getMessage()).contains("reader too slow");
            await().atMost(WAIT).until(() -> closed("slow_consumer") == 1);
            assertThat(closed("limit")).isZero();

            try (RawWebSocket fast = RawWebSocket.connect(server.port(), "/flood")) {
                for (int i = 0; i < 200; i++) {
                    assertEchoes(fast, "fast " + i);
                }
            }
        }
    }
}
