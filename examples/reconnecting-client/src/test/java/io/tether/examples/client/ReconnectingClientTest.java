package io.tether.examples.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoSessions;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.PeerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Runs ReconnectingClient in a JVM of its own against an echo server behind a fault proxy, and
 * resets its connection mid-stream: it must resume and get every echo exactly once.
 */
class ReconnectingClientTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int COUNT = 20;

    @Test
    void resumesAfterTheConnectionIsResetAndGetsEveryEchoOnce() throws Exception {
        TetherServer server = TetherServer.start(ServerConfig.builder().host("127.0.0.1").port(0)
                .endpoint(Endpoint.sessionsOnly("/echo", new EchoSessions())).build());
        try (FaultProxy proxy = FaultProxy.start(server.port());
                PeerProcess client = PeerProcess.java(ReconnectingClient.class, "ws://127.0.0.1:" + proxy.port() + "/echo", String.valueOf(COUNT))) {
            List<String> out = new CopyOnWriteArrayList<>();
            await().atMost(WAIT).until(() -> {
                out.addAll(client.drainLines());
                return out.stream().filter(l -> l.startsWith("echo ")).count() >= 3;
            });
            proxy.killAll(); // RST both ways, as a crashed middlebox

            int exit = client.awaitExit(WAIT.plus(Duration.ofSeconds(60)));
            out.addAll(client.drainLines());
            assertThat(exit).as("exit code; stdout %s, stderr %s", out, client.stderr()).isZero();
            assertThat(out).contains("resumed").doesNotContain("session reset").anyMatch(l -> l.startsWith("disconnected"));
            assertThat(out.stream().filter(l -> l.startsWith("echo ")))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, COUNT).mapToObj(i -> "echo msg-" + i).toList());
            assertThat(proxy.acceptedConnections()).isGreaterThanOrEqualTo(2);
        } finally {
            server.close();
        }
    }
}
