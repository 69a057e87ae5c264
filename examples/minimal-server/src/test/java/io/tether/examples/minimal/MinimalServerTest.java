package io.tether.examples.minimal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.client.ClientConfig;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.testkit.PeerProcess;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs MinimalServer in a JVM of its own, as {@code examples/run.sh minimal-server 0} would. */
class MinimalServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);


    @Test
    void echoesOverAResumableSessionAndStopsOnSigterm() throws Exception {
        try (PeerProcess server = PeerProcess.java(MinimalServer.class, "0")) {
            String line = server.nextLine(WAIT);
            assertThat(line).matches("listening on ws://127\\.0\\.0\\.1:\\d+/echo");
            URI uri = URI.create(line.substring("listening on ".length()));

            BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
            try (TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true).build())) {
                TetherSocket socket = client.open(uri, new SocketListener() {
                    @Override
                    public void onText(TetherSocket s, String text) {
                        echoes.add(text);
                    }
                });
                socket.sendText("hello");
                assertThat(echoes.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hello");
                assertThat(socket.sessionId()).isPresent();

                // SIGTERM with the client still connected: the hook's graceful stop must end the JVM.
                long start = System.nanoTime();
                server.terminate();
                assertThat(server.awaitExit(Duration.ofSeconds(15))).isEqualTo(143); // 128 + SIGTERM
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            }
            assertThat(server.drainLines()).isEmpty(); // exactly one line on stdout
        }
    }
}
