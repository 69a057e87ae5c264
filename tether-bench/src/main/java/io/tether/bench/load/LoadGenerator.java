package io.tether.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.tether.netty.internal.Transports;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The load generator: Netty WebSocket clients on one event loop that keep a fixed number of
 * messages in flight per connection and check every echo byte for byte. Speaks plain WebSocket,
 * or {@code tether.v1} (HELLO, DATA frames, cumulative ACKs) with {@code v1}.
 */
public final class LoadGenerator implements AutoCloseable {
    private static final int COUNTER = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final boolean v1;
    private final EventLoopGroup group;
    private final WsConnector connector;
    final AtomicLong echoes = new AtomicLong();
    final AtomicLong echoedBytes = new AtomicLong();
    final AtomicLong mismatches = new AtomicLong();
    volatile boolean recordLatency;
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);

    /** The echo server's process id, for its CPU use in the results; 0 when unknown. */
    private long serverPid;

    /** Also reports the CPU use of process {@code pid} (the server) over each measurement window. */
    public void measureCpuOf(long pid) {
        this.serverPid = pid;
    }

    public LoadGenerator(URI uri, boolean v1) {
        this.v1 = v1;
        Transports transport = Transports.best();
        this.group = transport.newGroup(1, "load");
        this.connector = new WsConnector(group, transport, uri, v1);
    }

    /** One connection keeping {@code inflight} messages of {@code size} bytes in flight. */
    final class Conn extends ChannelInboundHandlerAdapter {
        final int inflight;
        final byte[] template;
        final ByteBuf templateBuf;
        final boolean binary;
        final CompletableFuture<Conn> ready = new CompletableFuture<>();
        /** Ring of in-flight messages: their counters and send times; no allocation per message. */
        final long[] ringCounter;
        final long[] ringSentAt;
        int head;
        int pending;
        Channel channel;
        final V1Client protocol = new V1Client();
        long counter;
        boolean running;

        Conn(int inflight, int size, boolean binary) {
            this.inflight = inflight;
            this.ringCounter = new long[Math.max(1, inflight)];
            this.ringSentAt = new long[Math.max(1, inflight)];
            this.binary = binary;
            this.template = new byte[size];
            for (int i = 0; i < size; i++) {
                template[i] = (byte) ('a' + i % 26);
            }
            this.templateBuf = Unpooled.wrappedBuffer(template);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                channel = ctx.channel();
                if (v1) {
                    ctx.writeAndFlush(V1Client.hello());
                } else {
                    ready.complete(this);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        void start() {
            channel.eventLoop().execute(() -> {
                running = true;
                for (int i = 0; i < inflight; i++) {
                    sendOne();
                }
                channel.flush();
            });
        }

        void stop() {
            channel.eventLoop().execute(() -> running = false);
        }

        private void payloadInto(ByteBuf buf, long n) {
            int start = buf.writerIndex();
            buf.writeBytes(template);
            // A counter at the start makes every message distinct, so a mix-up is caught: 16 hex
            // digits (valid UTF-8) for text, the raw 8 bytes for binary.
            if (template.length >= COUNTER) {
                for (int i = 0; i < COUNTER; i++) {
                    buf.setByte(start + i, HEX[(int) (n >>> (60 - 4 * i)) & 0xf]);
                }
            }
        }

        private void sendOne() {
            long n = counter++;
            int slot = (head + pending) % ringCounter.length;
            ringCounter[slot] = n;
            ringSentAt[slot] = recordLatency ? System.nanoTime() : 0;
            pending++;
            ByteBuf buf;
            if (v1) {
                buf = channel.alloc().buffer(V1Client.DATA_HEADER + template.length);
                protocol.writeDataHeader(buf, binary);
                payloadInto(buf, n);
                channel.write(new BinaryWebSocketFrame(buf));
            } else {
                buf = channel.alloc().buffer(template.length);
                payloadInto(buf, n);
                channel.write(binary ? new BinaryWebSocketFrame(buf) : new TextWebSocketFrame(buf));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            WebSocketFrame frame = (WebSocketFrame) msg;
            try {
                ByteBuf content = frame.content();
                if (v1) {
                    V1Client.Kind kind = protocol.read(content);
                    if (kind == V1Client.Kind.WELCOME) {
                        ready.complete(this);
                        return;
                    }
                    if (kind != V1Client.Kind.DATA) {
                        return; // ACK, PONG
                    }
                }
                onEcho(content);
            } finally {
                frame.release();
            }
        }

        private void onEcho(ByteBuf content) {
            if (pending == 0 || !matches(content, ringCounter[head])) {
                mismatches.incrementAndGet();
            }
            long sentAt = pending == 0 ? 0 : ringSentAt[head];
            if (pending > 0) {
                head = (head + 1) % ringCounter.length;
                pending--;
            }
            echoes.incrementAndGet();
            echoedBytes.addAndGet(content.readableBytes());
            if (recordLatency && sentAt != 0) {
                latency.recordValue(Math.min(System.nanoTime() - sentAt, latency.getHighestTrackableValue()));
            }
            if (running) {
                sendOne();
            }
        }

        private boolean matches(ByteBuf content, long n) {
            if (content.readableBytes() != template.length) {
                return false;
            }
            int start = content.readerIndex();
            int from = 0;
            if (template.length >= COUNTER) {
                for (int i = 0; i < COUNTER; i++) {
                    if (content.getByte(start + i) != HEX[(int) (n >>> (60 - 4 * i)) & 0xf]) {
                        return false;
                    }
                }
                from = COUNTER;
            }
            // Eight bytes at a time: a byte-by-byte check of 64 KiB echoes made the generator, not
            // the server, the bottleneck of the large-message scenario.
            return ByteBufUtil.equals(content, start + from, templateBuf, from, template.length - from);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (v1 && protocol.unacked() >= 32) {
                ctx.write(protocol.ack());
            }
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(cause);
            ctx.close();
        }
    }

    /** Opens a connection (from {@code localAddress}, or any when null) and completes when it is ready. */
    CompletableFuture<Conn> open(int inflight, int size, boolean binary, String localAddress) {
        Conn conn = new Conn(inflight, size, binary);
        connector.connect(conn, localAddress).addListener(f -> {
            if (!f.isSuccess()) {
                conn.ready.completeExceptionally(f.cause());
            }
        });
        return conn.ready;
    }

    /** Runs connections × inflight messages of size bytes for warmup + duration; returns echoes/s and MB/s. */
    public String run(String name, int connections, int inflight, int size, boolean binary, int warmupSeconds,
            int seconds) throws Exception {
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            conns.add(open(inflight, size, binary, null).get(30, TimeUnit.SECONDS));
        }
        conns.forEach(Conn::start);
        pause(warmupSeconds * 1000L);
        latency.reset();
        // Clock reads per message only where latency is the figure: they cost the generator time.
        recordLatency = inflight == 1;
        long e0 = echoes.get();
        long b0 = echoedBytes.get();
        long t0 = System.nanoTime();
        CpuMeter cpu = CpuMeter.start(serverPid);
        pause(seconds * 1000L);
        long elapsed = System.nanoTime() - t0;
        String cpuUse = cpu.stop();
        long n = echoes.get() - e0;
        long bytes = echoedBytes.get() - b0;
        recordLatency = false;
        conns.forEach(Conn::stop);
        pause(300);
        for (Conn c : conns) {
            c.channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(f -> c.channel.close());
        }
        double perSecond = n * 1e9 / elapsed;
        return String.format(Locale.ROOT, "%s msgs_per_s=%.0f MB_per_s=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f mismatches=%d %s",
                name, perSecond, bytes * 1e9 / elapsed / 1e6, latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0, mismatches.get(), cpuUse);
    }

    /** Opens and closes connections, {@code concurrency} at a time, for warmup + duration; returns handshakes/s. */
    public String handshakes(int concurrency, int warmupSeconds, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds + seconds);
        long[] window = new long[2];
        List<Thread> loops = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        Conn c = open(0, 0, false, null).get(10, TimeUnit.SECONDS);
                        done.incrementAndGet();
                        c.channel.close().syncUninterruptibly();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            t.start();
            loops.add(t);
        }
        pause(warmupSeconds * 1000L);
        window[0] = done.get();
        long t0 = System.nanoTime();
        CpuMeter cpu = CpuMeter.start(serverPid);
        pause(seconds * 1000L);
        window[1] = done.get();
        long elapsed = System.nanoTime() - t0;
        String cpuUse = cpu.stop();
        for (Thread t : loops) {
            t.join();
        }
        return String.format(Locale.ROOT, "handshakes per_s=%.0f failed=%d %s", (window[1] - window[0]) * 1e9 / elapsed,
                failed.get(), cpuUse);
    }

    /** Opens {@code n} idle connections, alternating source addresses 127.0.0.1 and 127.0.0.2. */
    public int openIdle(int n) throws Exception {
        List<CompletableFuture<Conn>> pending = new ArrayList<>();
        int opened = 0;
        for (int i = 0; i < n; i++) {
            pending.add(open(0, 0, false, i % 2 == 0 ? "127.0.0.1" : "127.0.0.2"));
            if (pending.size() == 500) {
                opened += await(pending);
            }
        }
        return opened + await(pending);
    }

    private static int await(List<CompletableFuture<Conn>> pending) {
        int ok = 0;
        for (CompletableFuture<Conn> f : pending) {
            try {
                f.get(30, TimeUnit.SECONDS);
                ok++;
            } catch (Exception e) {
                // counted as not opened
            }
        }
        pending.clear();
        return ok;
    }

    /** Waiting is what a load generator does between measurements; nothing here is synchronized by it. */
    static void pause(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(millis);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
