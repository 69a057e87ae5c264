package io.tether.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connection that publishes to the room: one message per tick of a fixed-rate timer on its
 * event loop, each stamped with {@link System#nanoTime()} as it is written (the members read the
 * same clock: one JVM). Ticks the loop could not run on time are run late, back to back (Netty's
 * fixed rate), so the rate holds on average; the stamp is the real send time, so such a delay on
 * the generator's side is not counted as the server's. It is no member: the server sends it
 * nothing but acks.
 */
final class BroadcastPublisher extends ChannelInboundHandlerAdapter {
    /** Not publishing. */
    static final byte STOPPED = 0;

    /** Completes once the connection can publish. */
    final CompletableFuture<BroadcastPublisher> ready = new CompletableFuture<>();
    private final V1Client v1;
    private final BroadcastMessage format;
    private final AtomicLong measuredSent = new AtomicLong();
    /** A {@link BroadcastMessage} phase letter, or {@link #STOPPED}; set by the measuring thread. */
    private volatile byte phase = BroadcastMessage.PROBE;
    private Channel channel;
    private ScheduledFuture<?> timer;
    private long counter;

    /** @param v1 the session's protocol state, or null for plain WebSocket */
    BroadcastPublisher(V1Client v1, BroadcastMessage format) {
        this.v1 = v1;
        this.format = format;
    }

    /** Starts publishing, {@code perSecond} messages a second. */
    void start(int perSecond) {
        long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
        channel.eventLoop().execute(() -> timer = channel.eventLoop().scheduleAtFixedRate(this::publishOne, 0, period,
                TimeUnit.NANOSECONDS));
    }

    /** Messages from now on carry {@code value} ({@link #STOPPED}: none are sent). */
    void phase(byte value) {
        phase = value;
    }

    /** Messages sent in the measured phase. */
    long measuredSent() {
        return measuredSent.get();
    }

    /** Whether the connection is still up (a publisher the server closed makes the run worthless). */
    boolean isOpen() {
        return channel.isActive();
    }

    Channel channel() {
        return channel;
    }

    /**
     * Stops the timer; completes on the publisher's loop, so that after it no message is being
     * sent and {@link #measuredSent} is final.
     */
    CompletableFuture<Void> stop() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            timer.cancel(false);
            stopped.complete(null);
        });
        return stopped;
    }

    private void publishOne() {
        byte p = phase;
        if (p == STOPPED) {
            return;
        }
        ByteBuf buf = channel.alloc().buffer((v1 != null ? V1Client.DATA_HEADER : 0) + format.size());
        if (v1 != null) {
            v1.writeDataHeader(buf, false);
        }
        format.write(buf, p, counter++, System.nanoTime());
        channel.writeAndFlush(v1 != null ? new BinaryWebSocketFrame(buf) : new TextWebSocketFrame(buf));
        if (p == BroadcastMessage.MEASURED) {
            measuredSent.incrementAndGet();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            channel = ctx.channel();
            if (v1 != null) {
                ctx.writeAndFlush(V1Client.hello());
            } else {
                ready.complete(this);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        WebSocketFrame frame = (WebSocketFrame) msg;
        try {
            if (v1 != null && v1.read(frame.content()) == V1Client.Kind.WELCOME) {
                ready.complete(this);
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.completeExceptionally(cause);
        ctx.close();
    }
}
