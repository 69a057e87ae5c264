package io.tether.app.cluster;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.session.Delivery;
import io.tether.redis.RedisSessionStores;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A server node for {@link NodeFailoverTest}, in its own process: {@code /echo} on the Redis store,
 * echoing every message with how it arrived and where — {@code "<text>|new|<node>"}, or
 * {@code "<text>|redelivered|<node>"} when the server flagged it as a possible duplicate — so the
 * client can check that every repeat was flagged, and the test knows which node to kill.
 * Arguments: port, Redis URI, node id.
 */
public final class FailoverNode {
    private FailoverNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        String nodeId = args[2];
        RedisSessionStores stores = RedisSessionStores.connect(args[1]);
        SessionListener echo = new SessionListener() {
            @Override
            public void onText(Session session, String text, Delivery delivery) {
                session.sendText(text + (delivery.possibleDuplicate() ? "|redelivered|" : "|new|") + nodeId);
            }
        };
        TetherServer server = TetherServer.start(ServerConfig.builder().port(port).nodeId(args[2]).sessionStores(stores)
                .heartbeat(HeartbeatConfig.builder().pingInterval(Duration.ofSeconds(1)).pingTimeout(Duration.ofSeconds(1)).build())
                .drainWindow(Duration.ofMillis(500)).restartRetryAfter(Duration.ofMillis(200))
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), echo)).build());
        // SIGTERM drains (1012 + retry hint, spread over the drain window); SIGKILL is a crash.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop().toCompletableFuture().join();
            stores.close();
        }, "drain"));
        System.out.println("node " + args[2] + " serving on " + server.port());
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }
}
