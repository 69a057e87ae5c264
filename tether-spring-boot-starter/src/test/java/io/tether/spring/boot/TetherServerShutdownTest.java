package io.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tether.client.ClientConfig;
import io.tether.client.TetherClient;
import io.tether.core.CloseCodes;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.server.ServerStartException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The server in Spring's lifecycle: closing the context drains it; a taken port fails the start. */
class TetherServerShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(EchoTestApplication.class).properties(properties).run();
    }

    @Test
    void closingTheContextTellsClientsTheServerIsRestartingAndReportsTheDrain() throws Exception {
        ConfigurableApplicationContext context = start("tether.server.port=0",
                "tether.server.shutdown.drain-window=300ms", "tether.server.shutdown.restart-retry-after=2s");
        TetherServerLifecycle lifecycle = context.getBean(TetherServerLifecycle.class);
        TetherHealthIndicator health = context.getBean(TetherHealthIndicator.class);
        ClientConfig once = ClientConfig.builder().resumable(true).reconnect(ReconnectPolicy.DISABLED).build();
        try (TetherClient client = TetherClient.create(once)) {
            RecordingSocket heard = new RecordingSocket();
            client.open(URI.create("ws://127.0.0.1:" + lifecycle.port() + "/echo"), heard);
            heard.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            context.close();

            assertThat(heard.closedWith.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CloseCodes.SERVICE_RESTART);
            assertThat(lifecycle.isRunning()).isFalse();
            await().atMost(WAIT).until(() -> lifecycle.server().isEmpty());
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        }
    }

    @Test
    void aPortInUseFailsTheApplicationsStartWithTheServersReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> start("tether.server.port=" + taken.getLocalPort()))
                    .hasMessageContaining("tetherServerLifecycle")
                    .cause().isInstanceOf(ServerStartException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }
}
