package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.server.demo.EchoListener;
import io.tether.testkit.RawWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** /health/live and /health/ready on the server's port, and readiness through a drain. */
@Tag("integration")
class HealthTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A plain GET; the status line and body of the answer. */
    private static String get(int port, String path) throws IOException {
        try (RawWebSocket http = RawWebSocket.open(port)) {
            http.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = http.readHttpHead();
            return head.substring(0, head.indexOf('\r')) + " " + http.readUntilClosed().trim();
        }
    }

    @Test
    void liveAndReady_answer200_andReadyTurns503WhenTheDrainBegins_whileConnectionsAreStillOpen() throws Exception {
        TetherServer server = TetherServer.start(ServerConfig.builder().port(0).drainWindow(Duration.ofSeconds(2))
                .endpoint(Endpoint.of("/echo", new EchoListener())).build());
        try (RawWebSocket first = RawWebSocket.connect(server.port(), "/echo");
                RawWebSocket second = RawWebSocket.connect(server.port(), "/echo")) {
            assertThat(get(server.port(), "/health/live")).isEqualTo("HTTP/1.1 200 OK live");
            assertThat(get(server.port(), "/health/ready")).isEqualTo("HTTP/1.1 200 OK ready");

            CompletableFuture<Void> stopped = server.stop().toCompletableFuture();
            assertThat(get(server.port(), "/health/ready")).as("not ready from the start of the drain")
                    .isEqualTo("HTTP/1.1 503 Service Unavailable draining");
            assertThat(get(server.port(), "/health/live")).isEqualTo("HTTP/1.1 200 OK live");
            long rejectedBefore = server.stats().handshakesRejected();
            try (RawWebSocket late = RawWebSocket.open(server.port())) {
                late.write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(late.readHttpHead()).as("a handshake during the drain").startsWith("HTTP/1.1 503")
                        .containsIgnoringCase("retry-after: 1");
            }
            assertThat(server.stats().handshakesRejected()).as("counted").isEqualTo(rejectedBefore + 1);
            assertThat(server.connectionCount()).as("the drain spreads its 1012s over 2 s: one is still open")
                    .isGreaterThanOrEqualTo(1);
            assertThat(first.readCloseFrame().closeCode()).isEqualTo(1012);
            assertThat(second.readCloseFrame().closeCode()).isEqualTo(1012);
            stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).untilAsserted(() -> org.assertj.core.api.Assertions
                    .assertThatThrownBy(() -> get(server.port(), "/health/live")).isInstanceOf(IOException.class));
        }
    }

    @Test
    void anEndpointAtAHealthPath_winsOverTheHealthAnswer() throws Exception {
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0)
                .endpoint(Endpoint.of("/health/live", new EchoListener())).build())) {
            assertThat(get(server.port(), "/health/live")).startsWith("HTTP/1.1 400").contains("expected a WebSocket upgrade");
            assertThat(get(server.port(), "/health/ready")).isEqualTo("HTTP/1.1 200 OK ready");
        }
    }
}
