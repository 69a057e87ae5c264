package io.tether.bench;

import io.tether.bench.load.BroadcastRun;
import io.tether.bench.load.LoadGenerator;
import io.tether.bench.servers.JavaWebSocketEchoServer;
import io.tether.bench.servers.JettyEchoServer;
import io.tether.bench.servers.NettyBroadcastServer;
import io.tether.bench.servers.NettyEchoServer;
import io.tether.bench.servers.TetherEchoServer;
import io.tether.bench.servers.TetherRoomServer;
import io.tether.core.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code java -jar tether-bench.jar server|load|idle|broadcast|jmh ...}; tether-bench/run.sh and broadcast.sh drive it. */
@Command(name = "tether-bench", mixinStandardHelpOptions = true,
        subcommands = {BenchMain.Server.class, BenchMain.Load.class, BenchMain.Idle.class, BenchMain.Jmh.class,
                BenchMain.Flap.class, BenchMain.Fanout.class, BenchMain.Broadcast.class, BenchMain.Resume.class, BenchMain.Compression.class,
                BenchMain.AllocCheck.class})
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Command(name = "server", description = "Run an echo server at /echo until killed: tether, netty, netty-flush, java-websocket, jetty;"
            + " or a room at /room: tether-room (tether.v1 only), netty-broadcast.")
    static final class Server implements Callable<Integer> {
        @Parameters(index = "0")
        String kind;

        @Option(names = "--port", required = true)
        int port;

        @Option(names = "--heartbeat", description = "Ping interval (e.g. 10s): Tether's heartbeat (default 20s), or an IdleStateHandler for netty/netty-flush (default none).")
        String heartbeat;

        @Option(names = "--store", description = "tether only: where tether.v1 sessions live, memory (default) or redis://host:port.")
        String store;

        @Override
        public Integer call() throws Exception {
            Duration hb = heartbeat == null ? null : Durations.parse(heartbeat);
            AutoCloseable server = switch (kind) {
                case "tether" -> TetherEchoServer.start(port, hb, store);
                case "netty" -> NettyEchoServer.start(port, false, hb);
                case "netty-flush" -> NettyEchoServer.start(port, true, hb);
                case "java-websocket" -> JavaWebSocketEchoServer.start(port);
                case "jetty" -> JettyEchoServer.start(port);
                case "tether-room" -> TetherRoomServer.start(port);
                case "netty-broadcast" -> NettyBroadcastServer.start(port);
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown server " + kind);
            };
            System.out.println("ready " + kind + " " + port);
            System.out.flush();
            new CountDownLatch(1).await();
            server.close();
            return 0;
        }
    }

    @Command(name = "load", description = "Measure one scenario against a running echo server.")
    static final class Load implements Callable<Integer> {
        @Option(names = "--url", required = true)
        URI url;

        @Option(names = "--v1", description = "Speak tether.v1.")
        boolean v1;

        @Option(names = "--scenario", required = true, description = "latency, throughput, large, handshakes")
        String scenario;

        @Option(names = "--warmup", defaultValue = "5")
        int warmup;

        @Option(names = "--seconds", defaultValue = "10")
        int seconds;

        @Option(names = "--server-pid", defaultValue = "0", description = "Also report this process's CPU use (the server's).")
        long serverPid;

        @Override
        public Integer call() throws Exception {
            try (LoadGenerator load = new LoadGenerator(url, v1)) {
                load.measureCpuOf(serverPid);
                String result = switch (scenario) {
                    case "latency" -> load.run("latency", 1, 1, 32, false, warmup, seconds);
                    case "throughput" -> load.run("throughput", 100, 16, 32, false, warmup, seconds);
                    case "large" -> load.run("large", 10, 4, 65536, true, warmup, seconds);
                    case "handshakes" -> load.handshakes(16, warmup, seconds);
                    default -> throw new IllegalArgumentException("unknown scenario " + scenario);
                };
                System.out.println("result " + result);
            }
            return 0;
        }
    }

    @Command(name = "broadcast", description = "Room fan-out against a running tether-room or netty-broadcast server:"
            + " members join, one connection publishes at a fixed rate, members time each message.")
    static final class Broadcast implements Callable<Integer> {
        @Option(names = "--url", required = true, description = "e.g. ws://127.0.0.1:19090/room")
        URI url;

        @Option(names = "--v1", description = "Speak tether.v1 (tether-room accepts nothing else).")
        boolean v1;

        @Option(names = "--members", defaultValue = "1000")
        int members;

        @Option(names = "--rate", defaultValue = "1000", description = "messages published per second")
        int rate;

        @Option(names = "--size", defaultValue = "32", description = "bytes per message, at least 25")
        int size;

        @Option(names = "--warmup", defaultValue = "5")
        int warmup;

        @Option(names = "--seconds", defaultValue = "20")
        int seconds;

        @Option(names = "--server-pid", defaultValue = "0", description = "Also report this process's CPU use (the server's).")
        long serverPid;

        @Override
        public Integer call() throws Exception {
            try (BroadcastRun run = new BroadcastRun(url, v1, members, rate, size)) {
                run.measureCpuOf(serverPid);
                System.out.println("result " + run.run(warmup, seconds));
            }
            return 0;
        }
    }

    @Command(name = "idle", description = "Open N idle connections and hold them until stdin closes.")
    static final class Idle implements Callable<Integer> {
        @Option(names = "--url", required = true)
        URI url;

        @Option(names = "--v1")
        boolean v1;

        @Option(names = "--connections", required = true)
        int connections;

        @Override
        public Integer call() throws Exception {
            try (LoadGenerator load = new LoadGenerator(url, v1)) {
                int opened = load.openIdle(connections);
                System.out.println("opened " + opened);
                System.out.flush();
                while (System.in.read() >= 0) {
                    // hold the connections until the runner closes our stdin
                }
            }
            return 0;
        }
    }

    @Command(name = "flap", description = "One tether.v1 client behind the fault proxy, 50 msg/s each way: "
            + "outage per fault and losses per direction (issue 10's flapping measurement).")
    static final class Flap implements Callable<Integer> {
        @Option(names = "--scenario", defaultValue = "RESET", description = "RESET or BLACKHOLE")
        io.tether.bench.flap.FlapRun.Scenario scenario;
        @Option(names = "--seconds", defaultValue = "60")
        int seconds;
        @Option(names = "--seed", defaultValue = "1")
        long seed;
        @Option(names = "--node-client", paramLabel = "SCRIPT",
                description = "run tether.js (tether-app/src/test/js/flap-client.mjs) as the client instead of Java")
        java.nio.file.Path nodeClient;

        @Override
        public Integer call() throws Exception {
            boolean clean = new io.tether.bench.flap.FlapRun(scenario, java.time.Duration.ofSeconds(seconds), seed,
                    System.out, nodeClient).run();
            return clean ? 0 : 1;
        }
    }

    @Command(name = "fanout", description = "Room fan-out latency: N nodes in this process, M members in one room.")
    static final class Fanout implements Callable<Integer> {
        @Option(names = "--store", defaultValue = "memory", description = "memory, redis (starts a local redis-server) or redis://host:port")
        String store;
        @Option(names = "--nodes", defaultValue = "3")
        int nodes;
        @Option(names = "--members", defaultValue = "100")
        int members;
        @Option(names = "--rate", defaultValue = "100", description = "room messages per second")
        int rate;
        @Option(names = "--seconds", defaultValue = "20")
        int seconds;

        @Override
        public Integer call() throws Exception {
            boolean complete = new io.tether.bench.cluster.FanoutRun(store, nodes, members, rate,
                    java.time.Duration.ofSeconds(seconds), System.out).run();
            return complete ? 0 : 1;
        }
    }

    @Command(name = "resume", description = "Resume latency: memory (same node) or redis (each resume on the other of 2 nodes).")
    static final class Resume implements Callable<Integer> {
        @Option(names = "--store", defaultValue = "memory", description = "memory or redis (starts a local redis-server)")
        String store;
        @Option(names = "--rounds", defaultValue = "200")
        int rounds;

        @Override
        public Integer call() throws Exception {
            return new io.tether.bench.cluster.ResumeRun(store, rounds, System.out).run() ? 0 : 1;
        }
    }

    @Command(name = "compression", description = "permessage-deflate on chat-like JSON: wire bytes and event-loop CPU"
            + " per message, off vs on (with and without context takeover), client and server in this process.")
    static final class Compression implements Callable<Integer> {
        @Option(names = "--messages", defaultValue = "20000")
        int messages;
        @Option(names = "--warmup", defaultValue = "20000")
        int warmup;

        @Override
        public Integer call() throws Exception {
            new io.tether.bench.compression.CompressionRun(messages, warmup, System.out).run();
            return 0;
        }
    }

    @Command(name = "alloc-check", description = "Bytes allocated per message (JMH -prof gc) against the recorded budget; exit 1 if over.")
    static final class AllocCheck implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return io.tether.bench.jmh.AllocationCheck.run(System.out);
        }
    }

    @Command(name = "jmh", description = "Run the JMH micro-benchmarks (arguments go to JMH).")
    static final class Jmh implements Callable<Integer> {
        @CommandLine.Unmatched
        String[] args = new String[0];

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(args);
            return 0;
        }
    }
}
