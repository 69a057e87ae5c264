package io.tether.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.spring.boot.TetherEndpoint;
import io.tether.spring.boot.TetherServerLifecycle;
import io.tether.testkit.FaultProxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * The starter (built against Boot 3.5) in a Boot 4 application: the server starts from its
 * properties with a {@code @TetherEndpoint}, the client bean connects through the fault proxy, and
 * a killed connection resumes its session. (The health contributor is Boot 3's API and stays off.)
 */
@SpringBootTest(classes = StarterOnBoot4Test.App.class, properties = {"tether.server.port=0",
        "tether.client.reconnect.base=20ms", "tether.client.reconnect.cap=200ms"})
class StarterOnBoot4Test {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        @TetherEndpoint("/echo")
        SessionListener echo() {
            return new SessionListener() {
                @Override
                public void onText(Session session, String text) {
                    session.sendText(text);
                }
            };
        }
    }

    @Autowired
    TetherServerLifecycle server;

    @Autowired
    TetherClient client;

    @Test
    void resumesAKilledConnectionOnBoot4() throws Exception {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.");
        List<String> texts = new CopyOnWriteArrayList<>();
        AtomicInteger resumed = new AtomicInteger();
        AtomicInteger disconnects = new AtomicInteger();
        try (FaultProxy proxy = FaultProxy.start(server.port())) {
            TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), new SocketListener() {
                @Override
                public void onText(TetherSocket s, String text) {
                    texts.add(text);
                }

                @Override
                public void onDisconnected(TetherSocket s, io.tether.client.Disconnect info) {
                    disconnects.incrementAndGet();
                }

                @Override
                public void onResumed(TetherSocket s) {
                    resumed.incrementAndGet();
                }
            });
            socket.sendText("one");
            await().atMost(WAIT).until(() -> texts.size() == 1);
            proxy.killAll();
            await().atMost(WAIT).until(() -> disconnects.get() >= 1);
            socket.sendText("two");
            await().atMost(WAIT).until(() -> texts.size() == 2 && resumed.get() >= 1);
            assertThat(texts).containsExactly("one", "two");
            socket.close();
        }
    }
}
