package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Start, handshake timeout, graceful stop. */
@Tag("integration")
class ServerLifecycleTest {

    private static ServerConfig.Builder config() {
        return ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                .endpoint(Endpoint.of("/echo", new EchoListener()));
    }

    @Test
    void connectionThatNeverHandshakes_isClosedAfterTheHandshakeTimeout() throws Exception {
        try (TetherServer server = TetherServer.start(config().handshakeTimeout(Duration.ofMillis(200)).build());
                RawWebSocket idle = RawWebSocket.open(server.port())) {
            long start = System.nanoTime();
            assertThat(idle.awaitEof()).isTrue();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
        }
    }

    @Test
    void stop_sendsServiceRestartWithRetryHintToEveryConnection_andReleasesThePort() throws Exception {
        TetherServer server = TetherServer.start(config().restartRetryAfter(java.time.Duration.ofMillis(1500)).build());
        try (RawWebSocket a = RawWebSocket.connect(server.port(), "/echo");
                RawWebSocket b = RawWebSocket.connect(server.port(), "/echo")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 2);
            var stopped = server.stop(Duration.ofMillis(200)).toCompletableFuture();
            for (RawWebSocket ws : new RawWebSocket[] {a, b}) {
                RawWebSocket.Frame close = ws.readCloseFrame();
                assertThat(close.closeCode()).isEqualTo(1012);
                assertThat(close.closeReason())
                        .isEqualTo("server restarting; retry-after=1500ms");
                ws.sendFrame(true, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE9});
            }
            stopped.get(10, TimeUnit.SECONDS);
            assertThat(server.connectionCount()).isZero();
            assertThat(server.stop(Duration.ofSeconds(1)).toCompletableFuture()).succeedsWithin(Duration.ofSeconds(1));
        }
        // The port is free again: a new server can bind it.
        try (TetherServer again = TetherServer.start(config().port(server.port()).build())) {
            assertThat(again.port()).isEqualTo(server.port());
        }
    }

    @Test
    void portInUse_failsWithTheAddressInTheMessage() {
        try (TetherServer server = TetherServer.start(config().build())) {
            assertThatThrownBy(() -> TetherServer.start(config().port(server.port()).build()))
                    .isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + server.port());
        }
    }
}
