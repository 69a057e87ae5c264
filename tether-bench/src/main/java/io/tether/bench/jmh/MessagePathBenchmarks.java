package io.tether.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.tether.client.internal.ClientMetrics;
import io.tether.core.HandshakeRequest;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.netty.internal.ConnectionSettings;
import io.tether.netty.internal.FlowLimits;
import io.tether.netty.internal.ThreadLocalRandomGenerator;
import io.tether.netty.internal.TransportMeter;
import io.tether.netty.internal.WebSocketConnectionHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One echoed 32-byte text message through the connection handler (frame in, listener, frame out),
 * on an EmbeddedChannel: the per-message path the meters touch. {@code meters=none} is a server or
 * client with no registry (what every earlier commit did, plus an inlined no-op call);
 * {@code meters=micrometer} counts both directions in the same LongAdder-backed meter the client
 * and server register. The bar: the second within 3 % of the first.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MessagePathBenchmarks {
    private static final String TEXT = "0123456789abcdef0123456789abcdef";

    @Param({"none", "micrometer"})
    public String meters;

    /** Messages per read batch: 1 (a lone message), 16 (the load scenario's in-flight depth). */
    @Param({"1", "16"})
    public int batch;

    private Object[] frames;

    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
        TransportMeter meter = meters.equals("none") ? TransportMeter.NONE
                : ClientMetrics.of(new SimpleMeterRegistry(), ConcurrentHashMap.newKeySet()).transport();
        ConnectionSettings settings = new ConnectionSettings(false, 1 << 20, Duration.ofSeconds(5),
                HeartbeatConfig.DISABLED, ThreadLocalRandomGenerator.INSTANCE, c -> { }, FlowLimits.NONE, meter);
        channel = new EmbeddedChannel();
        WebSocketConnectionHandler handler = new WebSocketConnectionHandler(channel, settings, new WebSocketListener() {
            @Override
            public void onText(WebSocketConnection connection, String text) {
                connection.sendText(text);
            }
        }, HandshakeRequest.builder().path("/echo").build(), Map.of());
        channel.pipeline().addLast(WebSocketConnectionHandler.NAME, handler);
        handler.fireOpen();
        frames = new Object[batch];
    }

    /** One read batch of {@code batch} messages, echoed; the score is per batch. */
    @Benchmark
    public Object echo() {
        for (int i = 0; i < batch; i++) {
            frames[i] = new TextWebSocketFrame(TEXT);
        }
        channel.writeInbound(frames);
        Object out = null;
        for (int i = 0; i < batch; i++) {
            out = channel.readOutbound();
            ReferenceCountUtil.release(out);
        }
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }
}
