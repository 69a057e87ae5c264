package io.tether.examples.minimal;

import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import java.util.concurrent.CountDownLatch;

/**
 * A Tether server with one endpoint, {@code /echo}, that sends every text back to its sender.
 * Clients speak {@code tether.v1}: a client that reconnects within the session's time-to-live (two
 * minutes by default) resumes its session, and gets every echo it missed exactly once.
 *
 * <pre>java io.tether.examples.minimal.MinimalServer [PORT]   (default 8080, 0 for any free port)</pre>
 */
public final class MinimalServer {
    private MinimalServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : ServerConfig.DEFAULT_PORT;
        TetherServer server = start(port);
        // With port 0 only the server knows the port: print what it bound, for whoever started us.
        System.out.println("listening on ws://127.0.0.1:" + server.port() + "/echo");

        // SIGTERM (or Ctrl-C) runs the hooks: stop() closes every connection with 1012 "server
        // restarting" so that clients come back at once, and the JVM waits while the hook waits.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop().toCompletableFuture().join();
            stopped.countDown();
        }, "tether-stop"));
        // Netty's threads are daemons: without this wait the JVM would end right here.
        stopped.await();
    }

    /** Starts the echo server on 127.0.0.1:{@code port} (0: any free port; see {@link TetherServer#port()}). */
    public static TetherServer start(int port) {
        return TetherServer.start(ServerConfig.builder()
                .host("127.0.0.1")
                .port(port)
                // sessionsOnly: a plain WebSocket client (no tether.v1) is refused with 1008, as it
                // could not resume anyway.
                .endpoint(Endpoint.sessionsOnly("/echo", new Echo()))
                .build());
    }

    /** Runs on the session's event loop, one message at a time: never block here. */
    static final class Echo implements SessionListener {
        @Override
        public void onText(Session session, String text) {
            // Queued in the session's replay buffer: delivered even if the client is away right now.
            session.sendText(text);
        }
    }
}
