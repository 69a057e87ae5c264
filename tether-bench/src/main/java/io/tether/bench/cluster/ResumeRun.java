package io.tether.bench.cluster;

import io.tether.client.ClientConfig;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.redis.RedisSessionStores;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.server.demo.EchoSessions;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.services.RedisServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Resume latency: one {@code tether.v1} client behind the fault proxy, its connection killed
 * {@code rounds} times; each time the client reconnects at once (1 ms backoff) and resumes —
 * with {@code memory}, on the same node; with Redis, on the other of two nodes (the proxy is
 * retargeted first), which takes the session over from the store. Measured from the start of the
 * reconnect attempt ({@code onReconnecting}) to {@code onResumed}, and the resumed session's next
 * echo round trip.
 */
public final class ResumeRun {
    private final String store;
    private final int rounds;
    private final PrintStream out;

    public ResumeRun(String store, int rounds, PrintStream out) {
        this.store = store;
        this.rounds = rounds;
        this.out = out;
    }

    /** Runs; returns whether every round resumed (no reset). */
    public boolean run() throws Exception {
        RedisServer redis = store.equals("redis") ? RedisServer.start() : null;
        RedisSessionStores stores = redis != null ? RedisSessionStores.connect(redis.uri()) : null;
        List<TetherServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < (stores != null ? 2 : 1); i++) {
                ServerConfig.Builder config = ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1)
                        .nodeId("resume-" + i).endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions()));
                if (stores != null) {
                    config.sessionStores(stores);
                }
                servers.add(TetherServer.start(config.build()));
            }
            AtomicLong attemptStarted = new AtomicLong();
            BlockingQueue<Long> resumed = new ArrayBlockingQueue<>(rounds + 1);
            AtomicLong resets = new AtomicLong();
            BlockingQueue<String> echoes = new ArrayBlockingQueue<>(rounds + 10);
            Histogram resume = new Histogram(3);
            Histogram echo = new Histogram(3);
            try (FaultProxy proxy = FaultProxy.start(servers.get(0).port());
                    TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true)
                            .reconnect(ReconnectPolicy.builder().backoff(Backoff.constant(Duration.ofMillis(1))).build())
                            .build())) {
                TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), new SocketListener() {
                    @Override
                    public void onReconnecting(TetherSocket socket, int attempt) {
                        attemptStarted.set(System.nanoTime());
                    }

                    @Override
                    public void onResumed(TetherSocket socket) {
                        resumed.add(System.nanoTime() - attemptStarted.get());
                    }

                    @Override
                    public void onSessionReset(TetherSocket socket, io.tether.core.SessionExpiredException reason) {
                        resets.incrementAndGet();
                    }

                    @Override
                    public void onText(TetherSocket socket, String text) {
                        echoes.add(text);
                    }
                });
                socket.sendText("warm-up").toCompletableFuture().get(10, TimeUnit.SECONDS);
                echoes.poll(10, TimeUnit.SECONDS);
                for (int r = 0; r < rounds; r++) {
                    proxy.retarget(servers.get((r + 1) % servers.size()).port());
                    proxy.killAll();
                    Long took = resumed.poll(10, TimeUnit.SECONDS);
                    if (took == null) {
                        throw new IllegalStateException("round " + r + ": no resume within 10 s (" + resets.get() + " resets)");
                    }
                    resume.recordValue(took / 1000);
                    long sent = System.nanoTime();
                    socket.sendText("r" + r);
                    String back = echoes.poll(10, TimeUnit.SECONDS);
                    if (!("r" + r).equals(back)) {
                        throw new IllegalStateException("round " + r + ": echoed " + back);
                    }
                    echo.recordValue((System.nanoTime() - sent) / 1000);
                }
            }
            out.printf("resume store=%s rounds=%d (%s): resume p50 %.2f ms, p99 %.2f ms, max %.2f ms; first echo after it "
                            + "p50 %.2f ms, p99 %.2f ms; resets %d%n",
                    store, rounds, stores != null ? "each on the other of 2 nodes" : "same node",
                    resume.getValueAtPercentile(50) / 1000.0, resume.getValueAtPercentile(99) / 1000.0,
                    resume.getMaxValue() / 1000.0, echo.getValueAtPercentile(50) / 1000.0,
                    echo.getValueAtPercentile(99) / 1000.0, resets.get());
            return resets.get() == 0;
        } finally {
            servers.forEach(TetherServer::close);
            if (stores != null) {
                stores.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }
}
