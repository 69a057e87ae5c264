package io.tether.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.spring.boot.TetherServerLifecycle;
import io.tether.testkit.FaultProxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The example as a user runs it: the page and Actuator on Spring's port, the lobby on Tether's.
 * One member's connection is killed by the fault proxy while the other talks; it resumes its
 * session and gets what it missed, once, and what it said meanwhile reaches the other.
 */
// Metrics export is off in Spring Boot tests unless asked for; the example exposes /actuator/prometheus.
@AutoConfigureObservability(tracing = false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tether.server.port=0", "tether.client.reconnect.base=20ms", "tether.client.reconnect.cap=200ms"})
class ChatApplicationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    TestRestTemplate http;

    @Autowired
    TetherServerLifecycle tether;

    @Autowired
    TetherClient client;

    /** A lobby member: the chat lines it received, and how its socket fared. */
    static final class Member implements SocketListener {
        final CompletableFuture<JsonNode> welcome = new CompletableFuture<>();
        final List<String> lines = new CopyOnWriteArrayList<>();
        final AtomicInteger resumed = new AtomicInteger();
        final AtomicInteger disconnects = new AtomicInteger();

        @Override
        public void onText(TetherSocket socket, String text) {
            JsonNode m = read(text);
            if (m.path("t").asText().equals("welcome")) {
                welcome.complete(m);
            } else if (m.path("t").asText().equals("msg")) {
                lines.add(m.path("from").asText() + ": " + m.path("text").asText());
            }
        }

        @Override
        public void onDisconnected(TetherSocket socket, io.tether.client.Disconnect info) {
            disconnects.incrementAndGet();
        }

        @Override
        public void onResumed(TetherSocket socket) {
            resumed.incrementAndGet();
        }

        private static JsonNode read(String text) {
            try {
                return JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new AssertionError("the lobby sent something that is not JSON: " + text, e);
            }
        }
    }

    @Test
    void thePageTetherJsHealthAndConfigAreServed() throws Exception {
        assertThat(http.getForObject("/", String.class)).contains("<h1>Lobby</h1>").contains("./tether.js");
        assertThat(http.getForObject("/tether.js", String.class)).contains("export class TetherSocket");
        JsonNode config = JSON.readTree(http.getForObject("/chat-config", String.class));
        assertThat(config.path("port").asInt()).isEqualTo(tether.port());
        ResponseEntity<String> health = http.getForEntity("/actuator/health", String.class);
        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(JSON.readTree(health.getBody()).at("/components/tether/status").asText()).isEqualTo("UP");
        ResponseEntity<String> readiness = http.getForEntity("/actuator/health/readiness", String.class);
        assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(readiness.getBody()).contains("tether");
        assertThat(http.getForObject("/actuator/prometheus", String.class)).contains("tether_connections_opened");
    }

    @Test
    void aMemberWhoseConnectionWasKilledResumesAndMissesNothing() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(tether.port())) {
            Member alice = new Member();
            Member bob = new Member();
            TetherSocket aliceSocket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/chat"), alice);
            TetherSocket bobSocket = client.open(URI.create("ws://127.0.0.1:" + tether.port() + "/chat"), bob);
            String aliceNick = alice.welcome.get(WAIT.toSeconds(), TimeUnit.SECONDS).path("nick").asText();
            String bobNick = bob.welcome.get(WAIT.toSeconds(), TimeUnit.SECONDS).path("nick").asText();

            aliceSocket.sendText("hello");
            await().atMost(WAIT).until(() -> bob.lines.contains(aliceNick + ": hello"));

            proxy.killAll();
            await().atMost(WAIT).until(() -> alice.disconnects.get() >= 1);
            bobSocket.sendText("while you were away");
            aliceSocket.sendText("sent while cut off");

            await().atMost(WAIT).until(() -> alice.resumed.get() >= 1
                    && alice.lines.contains(bobNick + ": while you were away")
                    && bob.lines.contains(aliceNick + ": sent while cut off"));
            assertThat(alice.lines).containsOnlyOnce(aliceNick + ": hello", bobNick + ": while you were away",
                    aliceNick + ": sent while cut off");
            assertThat(bob.lines).containsOnlyOnce(aliceNick + ": hello", bobNick + ": while you were away",
                    aliceNick + ": sent while cut off");
            aliceSocket.close();
            bobSocket.close();
        }
    }
}
