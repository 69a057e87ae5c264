package io.tether.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.tether.netty.internal.Transports;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * Room fan-out across processes: {@code members} connections join the server's room, one more
 * publishes {@code rate} messages a second of {@code size} bytes, and every member times each
 * message from publish to receipt (one JVM, one clock). The figures, over the measured window
 * after the warm-up:
 *
 * <ul>
 *   <li>{@code delivered_per_s}: messages that reached members, per second, counted as they
 *       arrive; below {@code expected_per_s} (messages published × members) the server, or the
 *       generator, did not keep up.
 *   <li>{@code p50_us}…{@code max_us}: publish-to-receipt latency of the window's messages,
 *       including those still arriving after it (up to {@link #DRAIN_SECONDS} s).
 *   <li>{@code lost}: copies of the window's messages that never arrived by then;
 *       {@code dup}: copies a member received twice; {@code reordered}: copies that arrived after a
 *       later message; {@code corrupt}: frames that were not whole messages; {@code dropped}:
 *       member connections that closed during the run.
 *   <li>{@code server_cpu}, {@code load_cpu}: CPU over the window, % of one core (the server is
 *       pinned to one: near 100 % it is the bottleneck; near 100 % for load, the generator is);
 *       {@code server_us_per_delivery}: the server's CPU time per message delivered.
 * </ul>
 *
 * <p>Members are joined when each has received a message: the publisher sends probes until then.
 * After the warm-up it pauses until the members have received everything (see {@link #quiesce}).
 */
public final class BroadcastRun implements AutoCloseable {
    /** How long the members may take to join, and the members' connections to open. */
    private static final long JOIN_SECONDS = 30;
    /** How long the window's last messages may take to arrive after it. */
    private static final long DRAIN_SECONDS = 10;
    /** No delivery for this long: the members have everything that was published. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Connections opened at once: a burst of a thousand handshakes only measures the backlog. */
    private static final int OPEN_BATCH = 100;

    private final URI uri;
    private final boolean v1;
    private final int members;
    private final int rate;
    private final BroadcastMessage format;
    private final EventLoopGroup memberLoop;
    private final EventLoopGroup publisherLoop;
    private final WsConnector memberConnector;
    private final WsConnector publisherConnector;
    private final BroadcastTally tally = new BroadcastTally();
    private long serverPid;

    /**
     * @param v1 speak tether.v1 (else plain WebSocket)
     * @param size bytes of each message's payload, at least {@link BroadcastMessage#HEADER}
     */
    public BroadcastRun(URI uri, boolean v1, int members, int rate, int size) {
        if (members < 1 || rate < 1) {
            throw new IllegalArgumentException("members and rate must be at least 1, were " + members + " and " + rate);
        }
        this.uri = uri;
        this.v1 = v1;
        this.members = members;
        this.rate = rate;
        this.format = new BroadcastMessage(size);
        Transports transport = Transports.best();
        this.memberLoop = transport.newGroup(1, "members");
        // A loop of its own, so that the timer ticks on time while the members' loop is busy.
        this.publisherLoop = transport.newGroup(1, "publisher");
        // The members check what they receive themselves (BroadcastMessage), not Netty's UTF-8 check.
        this.memberConnector = new WsConnector(memberLoop, transport, uri, v1, false);
        this.publisherConnector = new WsConnector(publisherLoop, transport, uri, v1);
    }

    /** Also reports the CPU use of process {@code pid} (the server) over the window. */
    public void measureCpuOf(long pid) {
        this.serverPid = pid;
    }

    /** Joins, warms up for {@code warmupSeconds}, measures for {@code seconds}; returns the result line's figures. */
    public String run(int warmupSeconds, int seconds) throws Exception {
        List<BroadcastMember> joined = openMembers();
        BroadcastPublisher publisher = openPublisher();
        long joinStart = System.nanoTime();
        publisher.start(rate);
        awaitUntil(() -> tally.joined.get() >= members, JOIN_SECONDS);
        if (tally.joined.get() < members) {
            throw new IllegalStateException("only " + tally.joined.get() + " of " + members
                    + " members received a message in " + JOIN_SECONDS + " s: not all joined the room");
        }
        System.out.printf(Locale.ROOT, "joined %d members in %d ms%n", members,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joinStart));
        publisher.phase(BroadcastMessage.WARMUP);
        LoadGenerator.pause(warmupSeconds * 1000L);
        quiesce(publisher);

        long delivered0 = tally.delivered.get();
        CpuMeter cpu = CpuMeter.start(serverPid);
        publisher.phase(BroadcastMessage.MEASURED);
        LoadGenerator.pause(seconds * 1000L);
        publisher.phase(BroadcastPublisher.STOPPED);
        CpuMeter.Usage usage = cpu.usage();
        long delivered = tally.delivered.get() - delivered0;
        publisher.stop().get(5, TimeUnit.SECONDS);
        long expected = publisher.measuredSent() * members;
        awaitUntil(() -> tally.measured.get() >= expected, DRAIN_SECONDS);
        Histogram latency = tally.latency.getIntervalHistogram();
        boolean publisherUp = publisher.isOpen();
        close(joined, publisher);
        if (!publisherUp) {
            throw new IllegalStateException("the server closed the publisher's connection during the run");
        }
        return format(usage, delivered, expected, latency);
    }

    private String format(CpuMeter.Usage usage, long delivered, long expected, Histogram latency) {
        double window = usage.wallSeconds();
        String perDelivery = Double.isNaN(usage.serverSeconds()) || delivered == 0 ? "?"
                : String.format(Locale.ROOT, "%.2f", usage.serverSeconds() * 1e6 / delivered);
        return String.format(Locale.ROOT, "broadcast members=%d rate=%d size=%d delivered_per_s=%.0f expected_per_s=%.0f"
                        + " p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f lost=%d dup=%d reordered=%d corrupt=%d"
                        + " dropped=%d %s server_us_per_delivery=%s",
                members, rate, format.size(), delivered / window, expected / window,
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                latency.getValueAtPercentile(99.9) / 1000.0, latency.getMaxValue() / 1000.0,
                expected - tally.measured.get(), tally.duplicates.get(), tally.reordered.get(), tally.corrupt.get(),
                tally.dropped.get(), usage, perDelivery);
    }

    /** Opens the members, {@link #OPEN_BATCH} at a time; each has sent "join" when this returns. */
    private List<BroadcastMember> openMembers() throws Exception {
        List<BroadcastMember> opened = new ArrayList<>();
        List<CompletableFuture<Channel>> batch = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            BroadcastMember member = new BroadcastMember(v1 ? new V1Client() : null, format, tally);
            opened.add(member);
            batch.add(connect(memberConnector, member, member.joinSent));
            if (batch.size() == OPEN_BATCH || i == members - 1) {
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(JOIN_SECONDS, TimeUnit.SECONDS);
                batch.clear();
            }
        }
        return opened;
    }

    private BroadcastPublisher openPublisher() throws Exception {
        BroadcastPublisher publisher = new BroadcastPublisher(v1 ? new V1Client() : null, format);
        return connect(publisherConnector, publisher, publisher.ready).get(JOIN_SECONDS, TimeUnit.SECONDS);
    }

    private static <T> CompletableFuture<T> connect(WsConnector connector, ChannelHandler handler,
            CompletableFuture<T> ready) {
        connector.connect(handler, null).addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
            }
        });
        return ready;
    }

    /**
     * Pauses the publisher until nothing more arrives: near the server's capacity the warm-up's
     * slow start (the JIT, on the same core as the event loop) leaves seconds of messages queued in
     * socket buffers, which a measured window would otherwise report as the server's latency. The
     * window starts from empty queues; a server that cannot keep up fills them again within it.
     */
    private void quiesce(BroadcastPublisher publisher) throws InterruptedException {
        publisher.phase(BroadcastPublisher.STOPPED);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        long last = -1;
        long quietSince = start;
        while (System.nanoTime() < deadline) {
            long now = tally.delivered.get();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= QUIET_NANOS) {
                break;
            }
            LoadGenerator.pause(20);
        }
        System.out.printf(Locale.ROOT, "warm-up drained in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(quietSince - start));
    }

    /** Polls {@code done} until it holds or {@code seconds} have passed. */
    private static void awaitUntil(BooleanSupplier done, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            LoadGenerator.pause(20);
        }
    }

    private static void close(List<BroadcastMember> joined, BroadcastPublisher publisher) throws InterruptedException {
        List<Channel> channels = new ArrayList<>();
        for (BroadcastMember m : joined) {
            Channel ch = m.joinSent.join();
            m.leave(ch);
            channels.add(ch);
        }
        channels.add(publisher.channel());
        // Each leave() was queued on its member's loop before the close below: it runs first.
        for (Channel ch : channels) {
            ch.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(f -> ch.close());
        }
        for (Channel ch : channels) {
            ch.closeFuture().await(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        memberLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        publisherLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
