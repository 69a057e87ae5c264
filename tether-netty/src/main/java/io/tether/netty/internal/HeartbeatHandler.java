package io.tether.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import io.tether.core.RoundTripTime;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.heartbeat.LivenessTracker;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Detects a dead peer; reacting is left to the handlers after it. Sits right behind the WebSocket
 * frame decoder so it sees every inbound frame, including the pings and pongs that later handlers
 * consume. It sends WebSocket pings carrying the 8-byte send time, swallows pongs (measuring their
 * round trip), and when {@link LivenessTracker} says the peer is dead it fires a
 * {@link io.tether.core.heartbeat.HeartbeatTimeoutException} down the pipeline and closes the
 * channel.
 *
 * <p>Time comes from {@code ctx.executor().ticker()}, the same source the executor schedules with,
 * so {@code EmbeddedChannel.advanceTimeBy} drives both. One scheduled task per connection at a time,
 * on the connection's own event loop. Event-loop confined except {@link #roundTripTime()}.
 */
public final class HeartbeatHandler extends ChannelDuplexHandler implements Runnable {
    public static final String NAME = "tether-heartbeat";

    private final HeartbeatConfig config;
    private final RandomGenerator random;
    private final long tickNanos;
    private @Nullable ChannelHandlerContext ctx;
    private @Nullable Ticker ticker;
    private @Nullable LivenessTracker tracker;
    private final TransportMeter meter;
    private @Nullable Future<?> timer;
    private volatile @Nullable LivenessTracker published;
    private boolean readSinceLastComplete;

    /**
     * @param config enabled heartbeat settings
     * @param random the source of ping jitter; each connection should get its own or a thread-safe one
     */
    public HeartbeatHandler(HeartbeatConfig config, RandomGenerator random) {
        this(config, random, TransportMeter.NONE);
    }

    /**
     * @param config enabled heartbeat settings
     * @param random the source of ping jitter; each connection should get its own or a thread-safe one
     * @param meter told each round trip a pong measured
     */
    public HeartbeatHandler(HeartbeatConfig config, RandomGenerator random, TransportMeter meter) {
        this.meter = Objects.requireNonNull(meter, "meter");
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.tickNanos = Math.max(1, Math.min(TimeUnit.MILLISECONDS.toNanos(50), config.pingInterval().toNanos() / 20));
        if (!config.enabled()) {
            throw new IllegalArgumentException("heartbeats are disabled; do not add a HeartbeatHandler");
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (tracker == null) {
            start(ctx);
        }
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        Ticker t = ctx.executor().ticker();
        ticker = t;
        LivenessTracker created = new LivenessTracker(config, random, t.nanoTime());
        tracker = created;
        published = created;
        schedule(created.nextCheckAt());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readSinceLastComplete = true;
        if (msg instanceof PongWebSocketFrame pong) {
            onPong(pong);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void onPong(PongWebSocketFrame pong) {
        try {
            ByteBuf content = pong.content();
            if (tracker != null && ticker != null && content.readableBytes() == Long.BYTES) {
                long now = ticker.nanoTime();
                long stamp = content.getLong(content.readerIndex());
                if (tracker.onPong(now, stamp)) {
                    meter.heartbeatRoundTrip(Math.max(0, now - stamp));
                }
            }
        } finally {
            pong.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // One clock read per read batch, not per frame, as IdleStateHandler does.
        if (readSinceLastComplete && tracker != null && ticker != null) {
            tracker.onInbound(ticker.nanoTime());
            readSinceLastComplete = false;
        }
        ctx.fireChannelReadComplete();
    }

    /** Timer callback, on the event loop. */
    @Override
    public void run() {
        timer = null;
        ChannelHandlerContext c = ctx;
        if (c == null || tracker == null || ticker == null || !c.channel().isActive()) {
            return;
        }
        long now = ticker.nanoTime();
        switch (tracker.poll(now)) {
            case PEER_DEAD -> {
                c.fireExceptionCaught(tracker.timeoutException(now));
                c.close();
                return;
            }
            case SEND_PING -> c.writeAndFlush(new PingWebSocketFrame(c.alloc().buffer(Long.BYTES).writeLong(tracker.pingStamp())));
            case WAIT -> { }
        }
        schedule(tracker.nextCheckAt());
    }

    private void schedule(long atNanos) {
        ChannelHandlerContext c = Objects.requireNonNull(ctx);
        // Round the wake-up up to a coarse tick (1/20 of the interval, at most 50 ms), so the
        // timers of many connections that fall in the same tick fire in one event-loop wake-up
        // instead of one each. It can add up to one tick to the detection time.
        long rounded = atNanos + tickNanos - 1 - Math.floorMod(atNanos + tickNanos - 1, tickNanos);
        long delay = Math.max(0, rounded - Objects.requireNonNull(ticker).nanoTime());
        timer = c.executor().schedule(this, delay, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
            timer = null;
        }
    }

    /** Extends the liveness deadline by {@code graceNanos} (0 ends it); any thread. */
    public void setGraceNanos(long graceNanos) {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return;
        }
        c.executor().execute(() -> {
            if (tracker != null) {
                tracker.setGraceNanos(graceNanos);
            }
        });
    }

    /** Measured round-trip time; any thread. */
    public Optional<RoundTripTime> roundTripTime() {
        LivenessTracker t = published;
        return t == null ? Optional.empty() : t.roundTripTime();
    }

    /** Pings sent so far; event loop only (tests and diagnostics). */
    long pingsSent() {
        return tracker == null ? 0 : tracker.pingsSent();
    }
}
