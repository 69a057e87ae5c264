package io.tether.bench.jmh;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.heartbeat.LivenessTracker;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.protocol.InboundWindow;
import io.tether.core.internal.protocol.ReplayBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The per-message hot paths of tether.v1 and of the heartbeat. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ProtocolBenchmarks {
    private byte[] payload;
    private ByteBuffer encodedData;
    private ReplayBuffer replay;
    private InboundWindow inbound;
    private long seq;
    private LivenessTracker liveness;
    private long now;

    @Setup
    public void setUp() {
        payload = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        encodedData = FrameCodec.encode(new Frame.Data(7, 5, false, ByteBuffer.wrap(payload)));
        replay = new ReplayBuffer(1 << 20, Long.MAX_VALUE);
        inbound = new InboundWindow();
        liveness = new LivenessTracker(HeartbeatConfig.DEFAULT, new Random(1), 0);
    }

    /** DATA frame of a 32-byte message to bytes. */
    @Benchmark
    public ByteBuffer encodeData() {
        return FrameCodec.encode(new Frame.Data(7, 5, false, ByteBuffer.wrap(payload)));
    }

    /** What the session's write path does instead: the header into thread-owned scratch, the payload copied once by the transport. */
    @Benchmark
    public ByteBuffer dataHeader() {
        return FrameCodec.dataHeader(7, 5, false);
    }

    /** ... and back (the payload is a view, not a copy). */
    @Benchmark
    public Frame decodeData() {
        return FrameCodec.decode(encodedData);
    }

    /** Keep a message for replay, acknowledged in batches of 32 as the engine does. */
    @Benchmark
    public ReplayBuffer.Entry replayAppendAndBatchedAck() {
        ReplayBuffer.Entry e = replay.append(false, payload, new CompletableFuture<>());
        if ((e.seq() & 31) == 0) {
            replay.acknowledge(e.seq());
        }
        return e;
    }

    /** Sequence check and dedup of an arriving DATA frame. */
    @Benchmark
    public InboundWindow.Outcome inboundAccept() {
        return inbound.accept(++seq);
    }

    /** Heartbeat bookkeeping of one read batch plus a timer check. */
    @Benchmark
    public LivenessTracker.Verdict heartbeatReadAndPoll() {
        now += 1_000;
        liveness.onInbound(now);
        return liveness.poll(now);
    }
}
