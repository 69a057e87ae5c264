package io.tether.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.tether.core.EncodedText;
import io.tether.core.HandshakeRequest;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.session.SessionEngine;
import io.tether.core.internal.transport.TransportListener;
import io.tether.core.internal.transport.Utf8Text;
import io.tether.core.session.SessionConfig;
import io.tether.netty.internal.ConnectionSettings;
import io.tether.netty.internal.EventLoopScheduler;
import io.tether.netty.internal.WebSocketConnectionHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bytes allocated (and time) per message on the server's send and receive paths, plain RFC 6455 and
 * {@code tether.v1}, and per member of a fan-out: run with {@code -prof gc} and read
 * {@code gc.alloc.rate.norm} (bytes per operation; every benchmark here counts one operation per
 * message, or per member delivery for the fan-out). Each connection is the real connection handler
 * on an {@link EmbeddedChannel} (what leaves it is released unread, so the socket write itself is
 * not counted); a {@code tether.v1} connection has the real session engine on top, acknowledged
 * every {@value #BATCH} messages as a client does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AllocationBenchmarks {
    static final int BATCH = 32;
    static final int MEMBERS = 100;
    /** Where a DATA frame has its sequence number: after the type and flags bytes. */
    private static final int SEQ_OFFSET = 2;
    private static final String SMALL = "0123456789abcdef0123456789abcdef";

    /** Payload of the fan-out benchmarks: 32 B (a chat line) or 4 KiB (a dashboard snapshot). */
    @Param({"32", "4096"})
    public int size;

    private String text;
    private EncodedText encoded;
    private Conn plain;
    private Conn v1;
    private Conn[] plainMembers;
    private Conn[] v1Members;
    /** A received frame's content, reused: the decoder's buffer is pooled in a server, not garbage. */
    private ByteBuf textIn;
    private ByteBuf dataIn;
    private long inSeq;

    /** One connection: the handler on its channel, and for tether.v1 the engine over it. */
    static final class Conn {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final WebSocketConnectionHandler handler;
        final SessionEngine engine;
        long sent;

        Conn(boolean v1) {
            ConnectionSettings settings = new ConnectionSettings(false, 1 << 20, Duration.ofSeconds(5),
                    HeartbeatConfig.DISABLED, new SplittableRandom(1));
            engine = v1 ? new SessionEngine(SessionConfig.DEFAULT, new EventLoopScheduler(channel.eventLoop()),
                    new SessionEngine.Receiver() {
                        @Override
                        public void onText(String text) {
                        }

                        @Override
                        public void onBinary(byte[] data) {
                        }
                    }) : null;
            handler = new WebSocketConnectionHandler(channel, settings, new TransportListener() {
                @Override
                public void onBinaryView(WebSocketConnection connection, ByteBuffer data) {
                    engine.onFrame(connection, data);
                }
            }, HandshakeRequest.builder().path("/echo").build(), Map.of());
            channel.pipeline().addLast(WebSocketConnectionHandler.NAME, handler);
            handler.fireOpen();
            if (engine != null) {
                engine.attach(handler, 0);
            }
        }

        /** What the client does every {@value #BATCH} messages: acknowledge; and drop what was written. */
        void settle() {
            if (engine != null) {
                engine.onFrame(handler, FrameCodec.encode(new Frame.Ack(sent)));
            }
            channel.runPendingTasks();
            for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                ReferenceCountUtil.release(out);
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        text = SMALL.repeat(size / SMALL.length());
        encoded = EncodedText.of(text);
        plain = new Conn(false);
        v1 = new Conn(true);
        plainMembers = new Conn[MEMBERS];
        v1Members = new Conn[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            plainMembers[i] = new Conn(false);
            v1Members[i] = new Conn(true);
        }
        textIn = Unpooled.copiedBuffer(SMALL, StandardCharsets.UTF_8);
        dataIn = Unpooled.wrappedBuffer(FrameCodec.encode(new Frame.Data(1, 0, false, false,
                ByteBuffer.wrap(Utf8Text.bytesOf(SMALL)))));
    }

    /** Plain send: {@code sendText} of a 32-byte text, its frame written (and dropped). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void plainSend() {
        for (int i = 0; i < BATCH; i++) {
            plain.handler.sendText(SMALL);
        }
        plain.settle();
    }

    /** Plain receive: a 32-byte text frame through the handler to a listener that drops it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void plainReceive() {
        for (int i = 0; i < BATCH; i++) {
            plain.channel.writeInbound(new TextWebSocketFrame(textIn.retain()));
        }
    }

    /** tether.v1 send: numbered, kept for replay, written; acknowledged every {@value #BATCH}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void v1Send() {
        for (int i = 0; i < BATCH; i++) {
            v1.engine.send(false, Utf8Text.bytesOf(SMALL));
        }
        v1.sent += BATCH;
        v1.settle();
    }

    /** tether.v1 receive: a DATA frame through the handler and the engine to the application; acks out. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void v1Receive() {
        for (int i = 0; i < BATCH; i++) {
            dataIn.setLong(SEQ_OFFSET, ++inSeq);
            v1.channel.writeInbound(new BinaryWebSocketFrame(dataIn.retain()));
        }
        v1.channel.runPendingTasks();
        for (Object out = v1.channel.readOutbound(); out != null; out = v1.channel.readOutbound()) {
            ReferenceCountUtil.release(out);
        }
    }

    /** Fan-out to {@value #MEMBERS} plain connections, the text encoded for each (before). */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void plainFanoutEncodedPerMember() {
        plainFanout(text);
    }

    /** Fan-out to {@value #MEMBERS} plain connections, one {@link EncodedText} for all (what Rooms does now). */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void plainFanoutEncodedOnce() {
        plainFanout(EncodedText.of(text));
    }

    /** Fan-out to {@value #MEMBERS} tether.v1 sessions, the text encoded for each (Rooms before). */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void v1FanoutEncodedPerMember() {
        v1Fanout(text);
    }

    /** Fan-out to {@value #MEMBERS} tether.v1 sessions sharing one encoded array (Rooms now). */
    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void v1FanoutEncodedOnce() {
        v1Fanout(EncodedText.of(text));
    }

    /** What a server's sendText does for each member: a String is encoded per call, an EncodedText not. */
    private void plainFanout(CharSequence message) {
        for (Conn c : plainMembers) {
            c.handler.sendText(message);
            c.settle();
        }
    }

    /** What ServerSession.sendText does for each member's session. */
    private void v1Fanout(CharSequence message) {
        for (Conn c : v1Members) {
            c.engine.send(false, Utf8Text.bytesOf(message));
            c.sent++;
            c.settle();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        textIn.release();
        dataIn.release();
        plain.channel.finishAndReleaseAll();
        v1.channel.finishAndReleaseAll();
        for (int i = 0; i < MEMBERS; i++) {
            plainMembers[i].channel.finishAndReleaseAll();
            v1Members[i].channel.finishAndReleaseAll();
        }
    }
}
