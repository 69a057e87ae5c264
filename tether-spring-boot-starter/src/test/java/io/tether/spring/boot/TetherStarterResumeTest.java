package io.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.testkit.FaultProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The starter end to end: a Spring Boot application serves a {@code @TetherEndpoint} on a real
 * port, the starter's own {@code TetherClient} bean connects to it through the fault proxy, the
 * proxy kills the connection, and the session resumes with every message echoed exactly once, in
 * order, including those sent during the outage.
 */
@SpringBootTest(classes = EchoTestApplication.class, properties = {
        "tether.server.port=0",
        "tether.client.reconnect.base=20ms",
        "tether.client.reconnect.cap=200ms"})
class TetherStarterResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    TetherServerLifecycle server;

    @Autowired
    TetherClient client;

    @Autowired
    EchoTestApplication.CountingEcho echo;

    @Autowired
    HealthContributorRegistry health;

    @Autowired
    MeterRegistry meters;

    @Test
    void aKilledConnectionResumesItsSessionWithNothingLostOrRepeated() throws Exception {
        assertThat(server.isRunning()).isTrue();
        try (FaultProxy proxy = FaultProxy.start(server.port())) {
            RecordingSocket heard = new RecordingSocket();
            TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), heard);
            heard.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<String> sent = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                sent.add("before-" + i);
                socket.sendText("before-" + i);
            }
            await().atMost(WAIT).until(() -> heard.texts.size() == 5);
            String session = socket.sessionId().orElseThrow();

            proxy.killAll();
            await().atMost(WAIT).until(() -> heard.disconnects.get() >= 1);
            for (int i = 1; i <= 5; i++) {
                sent.add("during-" + i);
                socket.sendText("during-" + i);
            }

            await().atMost(WAIT).until(() -> heard.texts.size() >= 10 && heard.resumed.get() >= 1);
            assertThat(heard.texts).containsExactlyElementsOf(sent);
            assertThat(heard.resets).hasValue(0);
            assertThat(socket.sessionId()).contains(session);
            assertThat(echo.created).hasValue(1);
            assertThat(echo.resumed.get()).isGreaterThanOrEqualTo(1);
            assertThat(proxy.acceptedConnections()).isGreaterThanOrEqualTo(2);
            socket.close().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void theHealthContributorAndTheMetersComeFromTheContext() {
        HealthIndicator tether = (HealthIndicator) health.getContributor("tether");
        assertThat(tether).isNotNull();
        assertThat(tether.health().getStatus()).isEqualTo(Status.UP);
        assertThat(tether.health().getDetails()).containsEntry("port", server.port());
        // The server's meters are in the application's registry (registered at 0 when it starts).
        assertThat(meters.find("tether.connections.opened").functionCounter()).isNotNull();
        assertThat(meters.find("tether.ready").gauge().value()).isEqualTo(1.0);
    }
}
