package io.tether.bench.compression;

import io.tether.client.ClientConfig;
import io.tether.client.TetherClient;
import io.tether.core.CompressionConfig;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * permessage-deflate cost and savings on chat-like JSON: one Tether client echoing messages of 80 to
 * 400 bytes through a Tether server, one at a time, through {@link CountingProxy}, once per mode
 * (off; on with the default 256-byte minimum; on for every message, with and without context
 * takeover). Reports wire bytes per message each way, the ratio to the uncompressed run, and the
 * CPU time of the client's and server's event loops per round trip (each message is deflated once
 * and inflated once on each leg). Both sides in this process, each with one event loop.
 */
public final class CompressionRun {
    private static final String[] WORDS = ("the a to and of in is it you that for on are with be this have at we can not"
            + " meeting lunch deploy review build test ship today tomorrow later room lobby standup coffee bug fix release"
            + " please thanks ok sure great sounds good see you soon when where why how let's call me back").split(" ");
    private static final String[] NAMES = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};

    private record Mode(String name, CompressionConfig config) {
    }

    private final int messages;
    private final int warmup;
    private final PrintStream out;

    public CompressionRun(int messages, int warmup, PrintStream out) {
        this.messages = messages;
        this.warmup = warmup;
        this.out = out;
    }

    /** Chat messages of 80 to 400 bytes, the same for every mode (seeded). */
    static String[] chat(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] result = new String[count];
        for (int i = 0; i < count; i++) {
            int target = random.nextInt(80, 401);
            String head = "{\"t\":\"msg\",\"room\":\"lobby\",\"from\":\"" + NAMES[random.nextInt(NAMES.length)]
                    + "\",\"id\":\"" + Long.toHexString(random.nextLong()) + "\",\"text\":\"";
            StringBuilder text = new StringBuilder();
            while (head.length() + text.length() + 2 < target) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            String message = head + text.toString().strip() + "\"}";
            result[i] = message.length() <= 400 ? message : message.substring(0, 398) + "\"}";
        }
        return result;
    }

    public void run() throws Exception {
        String[] chat = chat(warmup + messages, 42);
        long payload = 0;
        for (int i = warmup; i < chat.length; i++) {
            payload += chat[i].getBytes(StandardCharsets.UTF_8).length;
        }
        out.printf(Locale.ROOT, "compression: %d chat messages (80-400 B, mean %.0f B), %d warm-up, echoed one at a time%n",
                messages, (double) payload / messages, warmup);
        List<Mode> modes = List.of(
                new Mode("off", CompressionConfig.DISABLED),
                new Mode("on, min 256 B (default)", CompressionConfig.ENABLED),
                new Mode("on, min 0, context takeover", CompressionConfig.ENABLED.toBuilder().minMessageSize(0).build()),
                new Mode("on, min 0, no context takeover", CompressionConfig.ENABLED.toBuilder().minMessageSize(0)
                        .serverNoContextTakeover(true).clientNoContextTakeover(true).build()));
        double baseline = 0;
        for (Mode mode : modes) {
            double[] r = measure(mode.config(), chat);
            baseline = baseline == 0 ? r[0] : baseline;
            out.printf(Locale.ROOT, "  %-32s wire %6.1f B/msg up %6.1f down (%.2f of off)   cpu %5.1f us/round trip   %.0f msg/s%n",
                    mode.name(), r[0], r[1], r[0] / baseline, r[2], r[3]);
        }
    }

    /** {wire bytes up per message, down per message, event-loop CPU µs per round trip, messages per second}. */
    private double[] measure(CompressionConfig compression, String[] chat) throws Exception {
        BlockingQueue<String> echoes = new ArrayBlockingQueue<>(1);
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onText(WebSocketConnection connection, String text) {
                echoes.add(text);
            }
        };
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).ioThreads(1)
                        .heartbeat(HeartbeatConfig.DISABLED).compression(compression)
                        .endpoint(Endpoint.of("/echo", new EchoListener())).build());
                CountingProxy proxy = new CountingProxy(server.port());
                TetherClient client = TetherClient.create(ClientConfig.builder().ioThreads(1)
                        .heartbeat(HeartbeatConfig.DISABLED).compression(compression).build())) {
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), listener)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < warmup; i++) {
                roundTrip(c, echoes, chat[i]);
            }
            proxy.reset();
            long cpuBefore = eventLoopCpuNanos();
            long start = System.nanoTime();
            for (int i = warmup; i < chat.length; i++) {
                roundTrip(c, echoes, chat[i]);
            }
            long wall = System.nanoTime() - start;
            long cpu = eventLoopCpuNanos() - cpuBefore;
            double[] r = {(double) proxy.upstream() / messages, (double) proxy.downstream() / messages,
                cpu / 1e3 / messages, messages / (wall / 1e9)};
            c.close(1000, "done").toCompletableFuture().get(10, TimeUnit.SECONDS);
            return r;
        }
    }

    private static void roundTrip(WebSocketConnection c, BlockingQueue<String> echoes, String message) throws Exception {
        c.sendText(message);
        String echo = echoes.poll(10, TimeUnit.SECONDS);
        if (!message.equals(echo)) {
            throw new IllegalStateException("echo mismatch: sent " + message + ", got " + echo);
        }
    }

    /** CPU time of the Tether client's and server's event loops (threads named tether-client-*, tether-server-*). */
    private static long eventLoopCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("tether-client") || info.getThreadName().startsWith("tether-server"))) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
