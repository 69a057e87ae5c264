package io.tether.examples.redis;

import io.tether.core.session.Delivery;
import io.tether.redis.RedisSessionStores;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import java.util.concurrent.CountDownLatch;

/**
 * The echo server of examples/minimal-server with its sessions in Redis instead of its memory: a
 * client resumes its session on this server after a restart (even a crash), or on any other node
 * that shares the Redis, with nothing lost and nothing repeated.
 *
 * <pre>java io.tether.examples.redis.RedisResumeServer PORT redis://127.0.0.1:6379</pre>
 */
public final class RedisResumeServer {
    private RedisResumeServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: RedisResumeServer PORT redis://HOST:PORT");
            System.exit(64);
        }
        // Returns at once and connects in the background (reconnecting by itself if Redis goes away).
        RedisSessionStores stores = RedisSessionStores.connect(args[1]);
        TetherServer server = TetherServer.start(ServerConfig.builder()
                .host("127.0.0.1")
                .port(Integer.parseInt(args[0]))
                .endpoint(Endpoint.sessionsOnly("/echo", new Echo()))
                .sessionStores(stores)
                .build());
        System.out.println("listening on ws://127.0.0.1:" + server.port() + "/echo");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop().toCompletableFuture().join();
            // The server closes the stores it opened, not the Redis connection it was given: that
            // is ours, and only once the server no longer writes to it.
            stores.close();
            stopped.countDown();
        }, "tether-stop"));
        stopped.await();
    }

    static final class Echo implements SessionListener {
        @Override
        public void onText(Session session, String text, Delivery delivery) {
            if (delivery.possibleDuplicate()) {
                // A node died after handing this message to its listener but before Redis recorded
                // it as handled: we may have echoed it already. Say so to the client, which drops
                // a flagged echo it has seen (idempotent on the text; a real app keys on an id).
                session.resendText(text);
            } else {
                // Completes once the echo is in Redis; only then does the client's message count
                // as handled, so a crash from here on loses neither.
                session.sendText(text);
            }
        }
    }
}
