package io.tether.bench.flap;

import io.tether.client.ClientConfig;
import io.tether.client.Disconnect;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.SessionExpiredException;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.core.WebSocketListener;
import io.tether.testkit.FaultProxy;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The flapping-network measurement of issue 10: one logical {@code tether.v1} client behind the
 * fault proxy, 50 msg/s each way, faults on a seeded random schedule, for a fixed time. Reports the
 * outage of every fault (fault injected → reconnected), the backoff delays the client chose, and
 * what each direction lost, duplicated or reordered. A measurement, not a test: it prints figures.
 */
public final class FlapRun {

    /** Which faults. */
    public enum Scenario {
        /** An RST of every proxied connection every U[3, 7] s. */
        RESET,
        /** A blackhole of U[2, 3] s every U[4, 8] s, ended by an RST (the middlebox forgot the flow). */
        BLACKHOLE
    }

    private record Fault(long atNanos, String what) {
    }

    /** "#2 657 ms" or, when the failed attempt spent part of the backoff, "#2 657 of 1157 ms". */
    private static String describeDelay(Lost d) {
        long wait = d.info().nextDelay().map(Duration::toMillis).orElse(-1L);
        long drawn = d.info().backoff().map(Duration::toMillis).orElse(wait);
        return "#" + d.info().attempt() + " " + wait + (drawn != wait ? " of " + drawn : "") + " ms";
    }

    private record Lost(long atNanos, Disconnect info) {
    }

    private final Scenario scenario;
    private final Duration length;
    private final long seed;
    private final PrintStream out;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Lost> disconnects = new CopyOnWriteArrayList<>();
    private final List<Long> reconnects = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Long> serverGot = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> clientGot = new ConcurrentLinkedQueue<>();
    private final AtomicLong clientSendFailures = new AtomicLong();
    private final AtomicLong serverSendFailures = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();

    private final java.nio.file.@org.jspecify.annotations.Nullable Path nodeClient;

    /**
     * @param nodeClient the tether.js client script (tether-app/src/test/js/flap-client.mjs) to run
     *     with {@code node} as the client under test, or null for the Java client
     */
    public FlapRun(Scenario scenario, Duration length, long seed, PrintStream out,
            java.nio.file.@org.jspecify.annotations.Nullable Path nodeClient) {
        this.nodeClient = nodeClient;
        this.scenario = scenario;
        this.length = length;
        this.seed = seed;
        this.out = out;
    }

    /** Runs the scenario; returns true when nothing was lost, duplicated or reordered. */
    public boolean run() throws Exception {
        AtomicReference<Session> serverSession = new AtomicReference<>();
        SessionListener sessions = new SessionListener() {
            @Override
            public void onSessionCreated(Session session) {
                serverSession.set(session);
            }

            @Override
            public void onText(Session session, String text) {
                serverGot.add(Long.parseLong(text.substring(1)));
            }
        };
        HeartbeatConfig heartbeat = HeartbeatConfig.builder().pingInterval(Duration.ofSeconds(1))
                .pingTimeout(Duration.ofSeconds(1)).build();
        ServerConfig serverConfig = ServerConfig.builder().port(0).heartbeat(heartbeat)
                .endpoint(Endpoint.resumable("/flap", new WebSocketListener() { }, sessions)).build();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "flap-driver");
            t.setDaemon(true);
            return t;
        });
        try (TetherServer server = TetherServer.start(serverConfig);
                FaultProxy proxy = FaultProxy.start(server.port());
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(heartbeat)
                        .resumable(true).build())) {
            URI uri = URI.create("ws://127.0.0.1:" + proxy.port() + "/flap");
            AtomicLong clientSeq = new AtomicLong();
            AtomicLong serverSeq = new AtomicLong();
            long start = System.nanoTime();
            long end = start + length.toNanos();
            Process node = null;
            if (nodeClient == null) {
                TetherSocket socket = client.open(uri, listener());
                timer.scheduleAtFixedRate(() -> {
                    if (System.nanoTime() < end) {
                        socket.sendText("c" + clientSeq.incrementAndGet())
                                .whenComplete((v, e) -> { if (e != null) clientSendFailures.incrementAndGet(); });
                    }
                }, 0, 20, TimeUnit.MILLISECONDS);
            } else {
                node = startNode(uri, clientSeq);
            }
            timer.scheduleAtFixedRate(() -> {
                Session s = serverSession.get();
                if (System.nanoTime() < end && s != null) {
                    s.sendText("s" + serverSeq.incrementAndGet())
                            .whenComplete((v, e) -> { if (e != null) serverSendFailures.incrementAndGet(); });
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            injectFaults(proxy, end);
            while (System.nanoTime() < end + TimeUnit.MILLISECONDS.toNanos(100)) {
                Thread.sleep(50); // the senders stop at the end; the last fault is at least 3 s before it
            }
            // Let the last outage heal and every message arrive (bounded).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && (serverGot.size() < clientSeq.get() || clientGot.size() < serverSeq.get())) {
                Thread.sleep(50);
            }
            timer.shutdownNow();
            if (node != null) {
                node.getOutputStream().close();
                node.waitFor(10, TimeUnit.SECONDS);
                node.destroyForcibly();
            }
            return report(start, clientSeq.get(), serverSeq.get());
        }
    }

    private void injectFaults(FaultProxy proxy, long end) throws InterruptedException {
        Random random = new Random(seed);
        while (true) {
            long gapMs = scenario == Scenario.RESET ? 3000 + random.nextInt(4001) : 4000 + random.nextInt(4001);
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(gapMs) > end - TimeUnit.SECONDS.toNanos(3)) {
                return;
            }
            Thread.sleep(gapMs);
            if (scenario == Scenario.RESET) {
                faults.add(new Fault(System.nanoTime(), "rst"));
                proxy.killAll();
            } else {
                long freezeMs = 2000 + random.nextInt(1001);
                faults.add(new Fault(System.nanoTime(), "freeze " + freezeMs + " ms + rst"));
                proxy.freeze();
                Thread.sleep(freezeMs);
                proxy.killAll();
                proxy.unfreeze();
            }
        }
    }

    /** Runs the tether.js client; its stdout lines feed the same records as the Java client's listener. */
    private Process startNode(URI uri, AtomicLong clientSeq) throws java.io.IOException {
        Process p = new ProcessBuilder("node", String.valueOf(nodeClient), uri.toString(),
                String.valueOf(length.toSeconds())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread reader = new Thread(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] w = line.split(" ");
                    switch (w[0]) {
                        case "recv" -> clientGot.add(Long.parseLong(w[1]));
                        case "sent" -> clientSeq.set(Long.parseLong(w[1]));
                        case "fail" -> clientSendFailures.incrementAndGet();
                        case "disconnected" -> disconnects.add(new Lost(System.nanoTime(), new Disconnect(
                                new IllegalStateException("tether.js"), true,
                                java.util.Optional.of(Duration.ofMillis(Long.parseLong(w[2]))),
                                java.util.Optional.of(Duration.ofMillis(Long.parseLong(w[3]))), Integer.parseInt(w[1]),
                                "tether.js")));
                        case "reconnected" -> reconnects.add(System.nanoTime());
                        case "reset" -> resets.incrementAndGet();
                        default -> { }
                    }
                }
            } catch (java.io.IOException e) {
                out.println("node client output ended: " + e);
            }
        }, "flap-node-reader");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private SocketListener listener() {
        return new SocketListener() {
            @Override
            public void onText(TetherSocket socket, String text) {
                clientGot.add(Long.parseLong(text.substring(1)));
            }

            @Override
            public void onDisconnected(TetherSocket socket, Disconnect info) {
                disconnects.add(new Lost(System.nanoTime(), info));
            }

            @Override
            public void onReconnected(TetherSocket socket, int attempts) {
                reconnects.add(System.nanoTime());
            }

            @Override
            public void onSessionReset(TetherSocket socket, SessionExpiredException reason) {
                resets.incrementAndGet();
            }
        };
    }

    private boolean report(long start, long clientSent, long serverSent) {
        out.printf("scenario %s, %d s, seed %d, client %s: %d faults%n", scenario, length.toSeconds(), seed,
                nodeClient == null ? "Java" : "tether.js", faults.size());
        List<Long> outages = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            long next = i + 1 < faults.size() ? faults.get(i + 1).atNanos() : Long.MAX_VALUE;
            Long back = reconnects.stream().filter(t -> t > f.atNanos() && t < next).findFirst().orElse(null);
            List<String> delays = disconnects.stream().filter(d -> d.atNanos() >= f.atNanos() && d.atNanos() < next)
                    .map(FlapRun::describeDelay)
                    .toList();
            String outage = back == null ? "not back before the next fault" : (back - f.atNanos()) / 1_000_000 + " ms";
            if (back != null) {
                outages.add((back - f.atNanos()) / 1_000_000);
            }
            out.printf("  t=%5.1f s  %-22s outage %-8s delays %s%n", (f.atNanos() - start) / 1e9, f.what(), outage, delays);
        }
        out.printf("reconnected at %s s%n", reconnects.stream().map(t -> String.format("%.2f", (t - start) / 1e9)).toList());
        Collections.sort(outages);
        if (!outages.isEmpty()) {
            out.printf("outage per fault: median %d ms, max %d ms, min %d ms (%d of %d faults healed)%n",
                    outages.get(outages.size() / 2), outages.get(outages.size() - 1), outages.get(0), outages.size(),
                    faults.size());
        }
        boolean upOk = check("client→server", new ArrayList<>(serverGot), clientSent);
        boolean downOk = check("server→client", new ArrayList<>(clientGot), serverSent);
        out.printf("send stages failed: client %d, server %d; session resets %d%n", clientSendFailures.get(),
                serverSendFailures.get(), resets.get());
        return upOk && downOk && clientSendFailures.get() == 0 && serverSendFailures.get() == 0;
    }

    private boolean check(String direction, List<Long> got, long sent) {
        long duplicates = got.size() - got.stream().distinct().count();
        long outOfOrder = 0;
        for (int i = 1; i < got.size(); i++) {
            if (got.get(i) <= got.get(i - 1)) {
                outOfOrder++;
            }
        }
        long lost = sent - got.stream().distinct().count();
        out.printf("%s: sent %d, received %d, lost %d, duplicated %d, out of order %d%n", direction, sent, got.size(),
                lost, duplicates, outOfOrder);
        return lost == 0 && duplicates == 0 && outOfOrder == 0;
    }
}
