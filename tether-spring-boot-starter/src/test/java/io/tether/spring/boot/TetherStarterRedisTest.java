package io.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.client.ClientConfig;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.redis.RedisSessionStores;
import io.tether.server.store.SessionStore;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.services.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code tether.store=redis} with nothing but Spring's own {@code spring.data.redis.*} settings,
 * against a real redis-server: a session survives the application's restart (a new context, a new
 * port, behind the same proxy) with nothing lost or repeated, and the health contributor follows
 * Redis going away and coming back.
 */
class TetherStarterRedisTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ConfigurableApplicationContext start(RedisServer redis, String node) {
        return new SpringApplicationBuilder(EchoTestApplication.class).properties("tether.server.port=0",
                "tether.server.node-id=" + node, "tether.server.node-lease=1s",
                "tether.server.shutdown.restart-retry-after=50ms", "tether.store=redis",
                "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port()).run();
    }

    @Test
    void aSessionResumesOnTheRestartedApplicationAndHealthFollowsRedis() throws Exception {
        ClientConfig config = ClientConfig.builder().resumable(true).reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.decorrelatedJitter(Duration.ofMillis(20), Duration.ofMillis(200)))
                .retryFirstConnect(true).build()).build();
        try (RedisServer redis = RedisServer.start(); TetherClient client = TetherClient.create(config)) {
            ConfigurableApplicationContext first = start(redis, "first");
            assertThat(first.getBean(SessionStore.Factory.class)).isInstanceOf(RedisSessionStores.class);
            try (FaultProxy proxy = FaultProxy.start(first.getBean(TetherServerLifecycle.class).port())) {
                RecordingSocket heard = new RecordingSocket();
                TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), heard);
                heard.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                List<String> sent = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    sent.add("first-" + i);
                    socket.sendText("first-" + i);
                }
                await().atMost(WAIT).until(() -> heard.texts.size() == 3);
                String session = socket.sessionId().orElseThrow();

                // While no node runs, the proxy refuses: the client keeps trying, its sends wait.
                proxy.refuse(true);
                first.close();
                for (int i = 1; i <= 3; i++) {
                    sent.add("between-" + i);
                    socket.sendText("between-" + i);
                }
                ConfigurableApplicationContext second = start(redis, "second");
                try {
                    TetherServerLifecycle restarted = second.getBean(TetherServerLifecycle.class);
                    proxy.retarget(restarted.port());
                    proxy.refuse(false);

                    await().atMost(WAIT).until(() -> heard.texts.size() >= 6 && heard.resumed.get() >= 1);
                    assertThat(heard.texts).containsExactlyElementsOf(sent);
                    assertThat(heard.resets).hasValue(0);
                    assertThat(socket.sessionId()).contains(session);
                    EchoTestApplication.CountingEcho echo = second.getBean(EchoTestApplication.CountingEcho.class);
                    assertThat(echo.created).hasValue(0);
                    assertThat(echo.resumed).hasValue(1);

                    TetherHealthIndicator health = second.getBean(TetherHealthIndicator.class);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                    redis.stop();
                    await().atMost(WAIT).until(() -> health.health().getStatus().equals(Status.DOWN));
                    assertThat(health.health().getDetails()).containsEntry("reason", "session store unreachable");
                    redis.restart();
                    await().atMost(WAIT).until(() -> health.health().getStatus().equals(Status.UP));
                } finally {
                    second.close();
                }
            }
        }
    }
}
