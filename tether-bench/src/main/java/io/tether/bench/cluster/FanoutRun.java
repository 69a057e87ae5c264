package io.tether.bench.cluster;

import io.tether.client.ClientConfig;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.redis.RedisSessionStores;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.server.rooms.InMemoryRoomBus;
import io.tether.server.rooms.RoomBus;
import io.tether.server.rooms.Rooms;
import io.tether.testkit.services.RedisServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Room fan-out latency: {@code nodes} Tether servers in this process, their rooms on one bus (in
 * memory, or Redis), {@code members} tether.v1 clients spread over the nodes, all in one room; node 1
 * publishes {@code rate} messages a second, each carrying its send time, and every member records
 * publish-to-receipt latency (one JVM, one clock). Reports p50/p99/max and what was lost.
 */
public final class FanoutRun {
    private final String store;
    private final int nodes;
    private final int members;
    private final int rate;
    private final Duration duration;
    private final PrintStream out;

    public FanoutRun(String store, int nodes, int members, int rate, Duration duration, PrintStream out) {
        this.store = store;
        this.nodes = nodes;
        this.members = members;
        this.rate = rate;
        this.duration = duration;
        this.out = out;
    }

    /** The room endpoint: a client's first text joins it to the room. */
    private static final class Member implements SessionListener {
        final Rooms rooms;
        final AtomicLong joined;

        Member(Rooms rooms, AtomicLong joined) {
            this.rooms = rooms;
            this.joined = joined;
        }

        @Override
        public void onText(Session session, String text) {
            rooms.join("bench", session, session.id()).thenRun(joined::incrementAndGet);
        }
    }

    /** Runs; returns whether nothing was lost. */
    public boolean run() throws Exception {
        RedisServer redis = store.equals("redis") ? RedisServer.start() : null;
        String uri = redis != null ? redis.uri() : store;
        RedisSessionStores stores = uri.startsWith("redis://") ? RedisSessionStores.connect(uri) : null;
        RoomBus.Factory bus = stores != null ? stores.rooms() : new InMemoryRoomBus();
        List<TetherServer> servers = new ArrayList<>();
        List<Rooms> rooms = new ArrayList<>();
        AtomicLong joined = new AtomicLong();
        Recorder latency = new Recorder(3);
        AtomicLong received = new AtomicLong();
        AtomicLong disorder = new AtomicLong();
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        try (TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true).build())) {
            for (int i = 0; i < nodes; i++) {
                Rooms r = Rooms.builder(bus).namespace("/bench").node("bench-" + i).build();
                rooms.add(r);
                ServerConfig.Builder config = ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1)
                        .nodeId("bench-" + i).endpoint(Endpoint.resumable("/room", new EchoListener(), new Member(r, joined)));
                if (stores != null) {
                    config.sessionStores(stores);
                }
                servers.add(TetherServer.start(config.build()));
            }
            List<TetherSocket> sockets = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                TetherServer s = servers.get(m % nodes);
                TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + s.port() + "/room"), new SocketListener() {
                    private long last;

                    @Override
                    public void onText(TetherSocket socket, String text) {
                        long sent = Long.parseLong(text);
                        if (sent <= last) {
                            disorder.incrementAndGet(); // a repeat or out of order
                        }
                        last = Math.max(last, sent);
                        if (sent >= measureFrom.get()) {
                            latency.recordValue(Math.max(0, System.nanoTime() - sent) / 1000);
                            received.incrementAndGet();
                        }
                    }
                });
                socket.sendText("join");
                sockets.add(socket);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (joined.get() < members && System.nanoTime() < deadline) {
                Thread.sleep(20); // a benchmark's setup, not a test's synchronization
            }
            if (joined.get() < members) {
                throw new IllegalStateException("only " + joined.get() + " of " + members + " members joined in 30 s");
            }
            Rooms from = rooms.get(0);
            AtomicLong published = new AtomicLong();
            long periodMicros = 1_000_000L / rate;
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            CountDownLatch done = new CountDownLatch(1);
            long end = warmupEnd + duration.toNanos();
            boolean[] measuring = {false};
            publisher.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                if (now > end) {
                    done.countDown();
                    return;
                }
                long stamp = System.nanoTime();
                if (!measuring[0] && now > warmupEnd) {
                    measuring[0] = true;
                    measureFrom.set(stamp); // messages from here on are counted
                    latency.getIntervalHistogram(); // drop the warm-up
                }
                if (measuring[0]) {
                    published.incrementAndGet();
                }
                from.publish("bench", Long.toString(stamp));
            }, 0, periodMicros, TimeUnit.MICROSECONDS);
            done.await();
            publisher.shutdown();
            long expected = published.get() * members;
            long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.get() < expected && System.nanoTime() < waitEnd) {
                Thread.sleep(20);
            }
            var h = latency.getIntervalHistogram();
            out.printf("fanout store=%s nodes=%d members=%d rate=%d/s seconds=%d: published %d, deliveries %d of %d, "
                            + "repeated or out of order %d, latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    store, nodes, members, rate, duration.toSeconds(), published.get(), received.get(), expected,
                    disorder.get(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
            sockets.forEach(TetherSocket::close);
            return received.get() == expected && disorder.get() == 0;
        } finally {
            publisher.shutdownNow();
            servers.forEach(TetherServer::close);
            rooms.forEach(Rooms::close);
            if (stores != null) {
                stores.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }
}
