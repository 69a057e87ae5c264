package io.tether.examples.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.examples.client.ReconnectingClient;
import io.tether.testkit.PeerProcess;
import io.tether.testkit.services.RedisServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * RedisResumeServer and examples/reconnecting-client's ReconnectingClient in JVMs of their own, on a real redis-server: the server
 * is killed (SIGKILL) mid-stream and started again on the same port, and the client resumes its
 * session there with every echo exactly once.
 */
class RedisResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int COUNT = 30;


    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theClientResumesItsSessionOnTheRestartedServer() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            String port = String.valueOf(freePort());
            PeerProcess first = PeerProcess.java(RedisResumeServer.class, port, redis.uri());
            PeerProcess second = null;
            PeerProcess client = null;
            try {
                assertThat(first.nextLine(WAIT)).isEqualTo("listening on ws://127.0.0.1:" + port + "/echo");
                client = PeerProcess.java(ReconnectingClient.class, "ws://127.0.0.1:" + port + "/echo", String.valueOf(COUNT));
                List<String> out = new CopyOnWriteArrayList<>();
                PeerProcess c = client;
                await().atMost(WAIT).until(() -> {
                    out.addAll(c.drainLines());
                    return out.stream().filter(l -> l.startsWith("echo ")).count() >= 5;
                });

                first.kill(); // SIGKILL: no drain, no goodbye, the session still attached in Redis
                second = PeerProcess.java(RedisResumeServer.class, port, redis.uri());
                assertThat(second.nextLine(WAIT)).isEqualTo("listening on ws://127.0.0.1:" + port + "/echo");

                int exit = client.awaitExit(WAIT.plus(Duration.ofSeconds(60)));
                out.addAll(client.drainLines());
                assertThat(exit).as("exit code; stdout %s, stderr %s", out, client.stderr()).isZero();
                assertThat(out).contains("resumed").noneMatch(l -> l.startsWith("session reset"));
                assertThat(out.stream().filter(l -> l.startsWith("echo "))).containsExactlyElementsOf(
                        IntStream.rangeClosed(1, COUNT).mapToObj(i -> "echo msg-" + i).toList());
            } finally {
                for (PeerProcess p : new PeerProcess[] {client, second, first}) {
                    if (p != null) {
                        p.close();
                    }
                }
            }
        }
    }
}
