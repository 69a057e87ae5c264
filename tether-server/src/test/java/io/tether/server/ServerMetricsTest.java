package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.demo.EchoListener;
import io.tether.server.demo.EchoSessions;
import io.tether.testkit.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The server's meters after scripted events: exact counts, by cause and status. */
@Tag("integration")
class ServerMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static double count(MeterRegistry r, String name, String... tags) {
        Search s = r.find(name).tags(tags);
        return s.counter() != null ? s.counter().count() : s.functionCounter() != null ? s.functionCounter().count() : 0;
    }

    @Test
    void connectionsByCause_refusalsByStatus_andTheOpenGauge() throws Exception {
        MeterRegistry meters = new SimpleMeterRegistry();
        HeartbeatConfig fast = HeartbeatConfig.builder().pingInterval(Duration.ofMillis(200))
                .pingTimeout(Duration.ofMillis(400)).build();
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).meterRegistry(meters).heartbeat(fast)
                .origins(OriginPolicy.SAME_ORIGIN)
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions())).build())) {
            try (RawWebSocket clean = RawWebSocket.connect(server.port(), "/echo");
                    RawWebSocket silent = RawWebSocket.connect(server.port(), "/echo")) {
                assertThat(meters.get("tether.connections.open").gauge().value()).isEqualTo(2);
                clean.sendFrame(true, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8});
                assertThat(clean.readCloseFrame().closeCode()).isEqualTo(1000);
                // The silent one never answers the server's pings: a heartbeat timeout.
                await().atMost(WAIT).until(() -> count(meters, "tether.connections.closed", "cause", "heartbeat_timeout") == 1);
            }
            try (RawWebSocket foreign = RawWebSocket.open(server.port())) {
                assertThat(foreign.requestUpgrade("/echo", "Origin: https://evil.example")).startsWith("HTTP/1.1 403");
            }
            try (RawWebSocket nowhere = RawWebSocket.open(server.port())) {
                assertThat(nowhere.requestUpgrade("/nowhere")).startsWith("HTTP/1.1 404");
            }
            try (RawWebSocket bad = RawWebSocket.connect(server.port(), "/echo")) {
                bad.sendFrame(true, 0x3, "reserved opcode".getBytes(StandardCharsets.UTF_8));
                assertThat(bad.readCloseFrame().closeCode()).isEqualTo(1002);
            }
            await().atMost(WAIT).until(() -> meters.get("tether.connections.open").gauge().value() == 0);
            assertThat(count(meters, "tether.connections.opened")).isEqualTo(3);
            assertThat(count(meters, "tether.connections.closed", "cause", "clean")).isEqualTo(1);
            assertThat(count(meters, "tether.connections.closed", "cause", "heartbeat_timeout")).isEqualTo(1);
            assertThat(count(meters, "tether.connections.closed", "cause", "protocol_error")).isEqualTo(1);
            assertThat(count(meters, "tether.handshakes.refused", "status", "403")).isEqualTo(1);
            assertThat(count(meters, "tether.handshakes.refused", "status", "404")).isEqualTo(1);
            assertThat(meters.find("tether.sessions.held").tag("endpoint", "/echo").gauge()).isNotNull();
        }
    }
}
