package io.tether.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.client.ClientConfig;
import io.tether.client.Disconnect;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.CloseCodes;
import io.tether.core.ConnectionClosedException;
import io.tether.core.InDoubtException;
import io.tether.core.SessionExpiredException;
import io.tether.redis.RedisSessionStores;
import io.tether.redis.RedisStoreConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.services.RedisServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a server on the Redis store and its client see when Redis goes away and comes back: with
 * its data, briefly (the connection stays up, what needs the store waits), or for longer than the
 * server's {@code storeOutageWait} (1013, the session resumes, nothing lost); and empty (the client
 * is told of a reset).
 */
@Tag("integration")
class RedisOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Echoes on the session; records what the server application was told. */
    static final class Echo implements SessionListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onText(Session session, String text) {
            session.sendText(text);
        }

        @Override
        public void onSessionDisconnected(Session session, Throwable cause) {
            events.add("disconnected " + cause.getClass().getSimpleName());
        }
    }

    static final class Client implements SocketListener {
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<SessionExpiredException> reset = new CompletableFuture<>();

        @Override
        public void onOpen(TetherSocket socket) {
            opened.complete(null);
        }

        @Override
        public void onText(TetherSocket socket, String text) {
            texts.add(text);
        }

        @Override
        public void onDisconnected(TetherSocket socket, Disconnect info) {
            disconnects.add(info);
        }

        @Override
        public void onResumed(TetherSocket socket) {
            events.add("resumed");
        }

        @Override
        public void onSessionReset(TetherSocket socket, SessionExpiredException reason) {
            events.add("reset");
            reset.complete(reason);
        }
    }

    private static TetherServer server(RedisSessionStores stores, Echo echo) {
        return server(stores, echo, ServerConfig.DEFAULT_STORE_OUTAGE_WAIT);
    }

    private static TetherServer server(RedisSessionStores stores, Echo echo, Duration storeOutageWait) {
        return TetherServer.start(ServerConfig.builder().port(0).nodeId("node-1").sessionStores(stores)
                .storeOutageWait(storeOutageWait)
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), echo)).build());
    }

    /** The status of the node's /health/ready. */
    private static int ready(TetherServer server) throws Exception {
        try (io.tether.testkit.RawWebSocket http = io.tether.testkit.RawWebSocket.open(server.port())) {
            http.write("GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return Integer.parseInt(http.readHttpHead().substring(9, 12));
        }
    }

    private static RedisSessionStores stores(RedisServer redis) {
        return RedisSessionStores.connect(redis.uri(),
                RedisStoreConfig.builder().commandTimeout(Duration.ofMillis(500)).build());
    }

    /** Opens a session and has "before" echoed on it. */
    private static TetherSocket openAndExchange(TetherClient c, TetherServer server, Client client) throws Exception {
        TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), client);
        client.opened.get(20, TimeUnit.SECONDS);
        socket.sendText("before").toCompletableFuture().get(20, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> client.texts.contains("before"));
        return socket;
    }

    @Test
    void redisDownBriefly_theLiveConnectionKeepsRunning_andTheSendCompletesWhenRedisIsBack() throws Exception {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.builder().appendOnly(true).build());
                RedisSessionStores stores = stores(redis)) {
            Echo echo = new Echo();
            try (TetherServer server = server(stores, echo, Duration.ofSeconds(20));
                    TetherClient c = TetherClient.create(ClientConfig.builder().resumable(true).build())) {
                Client client = new Client();
                TetherSocket socket = openAndExchange(c, server, client);

                redis.stop(); // flushed: its data comes back with it
                CompletableFuture<Void> during = socket.sendText("during").toCompletableFuture();
                // Several command timeouts (500 ms) pass: the session waits for the store, connected.
                await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                        .until(() -> client.disconnects.isEmpty() && !during.isDone());

                redis.restart();
                during.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> client.texts.contains("during"));
                assertThat(client.disconnects).as("the connection stayed up").isEmpty();
                assertThat(echo.events).isEmpty();
                assertThat(client.events).doesNotContain("resumed", "reset");
                assertThat(client.texts).containsExactly("before", "during");
            }
        }
    }

    @Test
    void redisDownLongerThanTheOutageWait_theSessionIsClosedWith1013_andResumesWithNothingLost_whenRedisIsBack()
            throws Exception {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.builder().appendOnly(true).build());
                RedisSessionStores stores = stores(redis)) {
            Echo echo = new Echo();
            try (TetherServer server = server(stores, echo, Duration.ofSeconds(1));
                    TetherClient c = TetherClient.create(ClientConfig.builder().resumable(true).build())) {
                Client client = new Client();
                TetherSocket socket = openAndExchange(c, server, client);

                redis.stop(); // flushed: its data comes back with it
                CompletableFuture<Void> during = socket.sendText("during").toCompletableFuture();
                await().atMost(WAIT).until(() -> ready(server) == 503); // the balancer takes the node out
                await().atMost(WAIT).until(() -> client.disconnects.stream().anyMatch(d ->
                        d.cause() instanceof ConnectionClosedException e && e.code() == CloseCodes.TRY_AGAIN_LATER));
                assertThat(client.disconnects.get(0).willRetry()).as("1013: the client comes back").isTrue();
                assertThat(echo.events).anyMatch(e -> e.startsWith("disconnected StoreUnavailableException"));
                assertThat(during).as("not acknowledged while the store is down").isNotDone();

                redis.restart();
                during.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> client.texts.contains("during"));
                await().atMost(WAIT).until(() -> ready(server) == 200); // and back in
                assertThat(client.events).contains("resumed").doesNotContain("reset");
                assertThat(client.texts).containsExactly("before", "during");
            }
        }
    }

    @Test
    void redisRestartedEmpty_theResumeIsAnsweredWithAReset_notSilence() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisSessionStores stores = stores(redis)) {
            Echo echo = new Echo();
            try (TetherServer server = server(stores, echo);
                    TetherClient c = TetherClient.create(ClientConfig.builder().resumable(true).build())) {
                Client client = new Client();
                TetherSocket socket = openAndExchange(c, server, client);

                redis.kill();
                redis.restartEmpty();
                CompletableFuture<Void> after = socket.sendText("after").toCompletableFuture();
                SessionExpiredException reset = client.reset.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                await().atMost(WAIT).until(after::isDone);
                if (after.isCompletedExceptionally()) {
                    // Written to the old session, whose server could not record it: in doubt, and listed.
                    assertThat(after.handle((v, e) -> e).get()).isInstanceOf(InDoubtException.class);
                    assertThat(reset.inDoubt()).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                            .contains("after");
                } else {
                    // Still waiting to be written when the old session ended: carried into the new one.
                    await().atMost(WAIT).until(() -> client.texts.contains("after"));
                }
                assertThat(client.events).containsOnlyOnce("reset");
                assertThat(socket.sendText("new session").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isNull();
                await().atMost(WAIT).until(() -> client.texts.contains("new session"));
            }
        }
    }
}
