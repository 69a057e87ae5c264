package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.heartbeat.HeartbeatTimeoutException;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.RecordingListener;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A connection frozen by the fault proxy (both sockets open, nothing forwarded: a silent NAT drop)
 * is declared dead by both the client and the server, each reporting
 * {@link HeartbeatTimeoutException} to its listener, over real sockets.
 *
 * <p>The exact rule (dead at pingInterval + pingTimeout of silence, within one timer tick) is tested
 * in virtual time: {@code LivenessTrackerTest}, and {@code HeartbeatHandlerTest} through to the
 * listener's {@code onFailure}. Here the clock is the wall clock of a shared machine, so the bounds
 * only prove that the heartbeat is what noticed: the exception measured at least
 * pingInterval + pingTimeout of silence on the event loop's clock; detection came no sooner than
 * pingInterval after the freeze; and no later than pingInterval + pingTimeout + 2 s (TCP itself never
 * notices a frozen path whose sockets stay open). The detection times are written to
 * {@code target/heartbeat-detection.txt} for docs/heartbeats.md.
 */
@Tag("integration")
class HeartbeatFreezeTest {
    private static final int FREEZES = 20;
    /** Allowance for a loaded machine (GC, a busy event loop, a slow proxy thread) on top of the bound. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    @ParameterizedTest(name = "interval {0} ms, timeout {1} ms")
    @CsvSource({"200,400", "100,200"})
    void frozenConnection_detectedByBothSides_byTheHeartbeat(long intervalMs, long timeoutMs) throws Exception {
        HeartbeatConfig heartbeat = HeartbeatConfig.builder()
                .pingInterval(Duration.ofMillis(intervalMs)).pingTimeout(Duration.ofMillis(timeoutMs)).build();
        Duration bound = heartbeat.detectionBound();
        long earliestNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        long latestNanos = bound.plus(SLACK).toNanos();
        LinkedBlockingQueue<RecordingListener.Terminal> serverTerminals = new LinkedBlockingQueue<>();
        RecordingListener serverListener = new RecordingListener() {
            @Override
            public void onFailure(WebSocketConnection connection, Throwable cause) {
                serverTerminals.add(new Terminal(connection, -1, "", cause, System.nanoTime()));
            }

            @Override
            public void onClosed(WebSocketConnection connection, int code, String reason) {
                serverTerminals.add(new Terminal(connection, code, reason, null, System.nanoTime()));
            }
        };
        List<Long> clientMs = new ArrayList<>();
        List<Long> serverMs = new ArrayList<>();
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(heartbeat)
                        .endpoint(Endpoint.of("/echo", serverListener)).build());
                FaultProxy proxy = FaultProxy.start(server.port());
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(heartbeat).build())) {
            URI uri = URI.create("ws://127.0.0.1:" + proxy.port() + "/echo");
            for (int i = 0; i < FREEZES; i++) {
                RecordingListener clientListener = new RecordingListener();
                WebSocketConnection connection = client.connect(uri, clientListener).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                // Let a ping/pong cycle pass so the freeze hits a connection in its steady state.
                await().atMost(Duration.ofSeconds(10)).until(() -> connection.roundTripTime().isPresent());
                proxy.freeze();
                long frozenAt = System.nanoTime();
                RecordingListener.Terminal clientEnd = clientListener.awaitTerminal(Duration.ofSeconds(10));
                RecordingListener.Terminal serverEnd = serverTerminals.poll(10, TimeUnit.SECONDS);
                assertThat(serverEnd).as("server detected the freeze").isNotNull();
                for (RecordingListener.Terminal end : List.of(clientEnd, serverEnd)) {
                    String side = end == clientEnd ? "client" : "server";
                    assertThat(end.cause()).as("%s, freeze %d", side, i).isInstanceOfSatisfying(HeartbeatTimeoutException.class,
                            e -> assertThat(e.silence()).as("silence the %s's heartbeat measured", side)
                                    .isGreaterThanOrEqualTo(bound));
                    assertThat(end.atNanos() - frozenAt).as("%s detection after freeze %d, ns", side, i)
                            .isBetween(earliestNanos, latestNanos);
                }
                clientMs.add(TimeUnit.NANOSECONDS.toMillis(clientEnd.atNanos() - frozenAt));
                serverMs.add(TimeUnit.NANOSECONDS.toMillis(serverEnd.atNanos() - frozenAt));
                proxy.unfreeze();
                proxy.killAll();
            }
        }
        report(intervalMs, timeoutMs, clientMs, serverMs);
    }

    private static void report(long intervalMs, long timeoutMs, List<Long> client, List<Long> server) throws IOException {
        String line = String.format("interval %d ms + timeout %d ms (bound %d ms): client median %d ms max %d ms;"
                        + " server median %d ms max %d ms; %d freezes%n", intervalMs, timeoutMs, intervalMs + timeoutMs,
                median(client), Collections.max(client), median(server), Collections.max(server), client.size());
        System.out.print(line);
        Path out = Path.of("target", "heartbeat-detection.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
