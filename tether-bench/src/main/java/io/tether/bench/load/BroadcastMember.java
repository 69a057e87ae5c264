package io.tether.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One member of the room: sends "join" once connected (after WELCOME with tether.v1), then
 * receives. Checks each message against the publisher's counter: a counter seen before is a
 * duplicate, one below the highest seen is out of order; the counters from the first one received
 * on are kept in a bit set (a bit a message). With tether.v1 it acknowledges as Tether's client
 * does by default, after 32 messages or 20 ms, whichever comes first, so the server's replay
 * buffer drains at the rate it would in production. Event loop only.
 */
final class BroadcastMember extends ChannelInboundHandlerAdapter {
    /** {@code SessionConfig.DEFAULT}'s ackEvery and ackDelay. */
    private static final int ACK_EVERY = 32;
    private static final long ACK_DELAY_MILLIS = 20;
    static final String JOIN = "join";

    /** Completes once "join" was sent. */
    final CompletableFuture<Channel> joinSent = new CompletableFuture<>();
    private final V1Client v1;
    private final BroadcastMessage format;
    private final BroadcastTally tally;
    private final BitSet seen = new BitSet();
    private long first = -1;
    private long highest;
    private boolean ackTimerArmed;
    private boolean leaving;

    /** @param v1 the session's protocol state, or null for plain WebSocket */
    BroadcastMember(V1Client v1, BroadcastMessage format, BroadcastTally tally) {
        this.v1 = v1;
        this.format = format;
        this.tally = tally;
    }

    /** The run is over: a close from here on is not a dropped member. */
    void leave(Channel channel) {
        channel.eventLoop().execute(() -> leaving = true);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            if (v1 != null) {
                ctx.writeAndFlush(V1Client.hello());
            } else {
                join(ctx);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void join(ChannelHandlerContext ctx) {
        if (v1 != null) {
            ByteBuf buf = ctx.alloc().buffer(V1Client.DATA_HEADER + JOIN.length());
            v1.writeDataHeader(buf, false);
            buf.writeCharSequence(JOIN, StandardCharsets.US_ASCII);
            ctx.writeAndFlush(new BinaryWebSocketFrame(buf));
        } else {
            ctx.writeAndFlush(new TextWebSocketFrame(JOIN));
        }
        joinSent.complete(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        WebSocketFrame frame = (WebSocketFrame) msg;
        try {
            // Read first: the time between the publisher's clock read and this one is the figure.
            long now = System.nanoTime();
            ByteBuf content = frame.content();
            if (v1 != null) {
                V1Client.Kind kind = v1.read(content);
                if (kind == V1Client.Kind.WELCOME) {
                    join(ctx);
                }
                if (kind != V1Client.Kind.DATA) {
                    return;
                }
                armAckTimer(ctx);
            } else if (!(frame instanceof TextWebSocketFrame)) {
                return;
            }
            onMessage(content, now);
        } finally {
            frame.release();
        }
    }

    private void onMessage(ByteBuf content, long now) {
        byte phase = format.phase(content);
        if (phase == 0) {
            tally.corrupt.incrementAndGet();
            return;
        }
        long counter = BroadcastMessage.counter(content);
        if (first < 0) {
            first = counter;
            highest = counter;
            tally.joined.incrementAndGet();
        }
        if (counter < first) {
            tally.reordered.incrementAndGet(); // older than the first one received: only late
            return;
        }
        int index = (int) (counter - first);
        if (seen.get(index)) {
            tally.duplicates.incrementAndGet();
            return;
        }
        seen.set(index);
        if (counter < highest) {
            tally.reordered.incrementAndGet();
        }
        highest = Math.max(highest, counter);
        tally.delivered.incrementAndGet();
        if (phase == BroadcastMessage.MEASURED) {
            tally.measured.incrementAndGet();
            tally.latency.recordValue(Math.max(0, now - BroadcastMessage.sentAt(content)));
        }
    }

    private void armAckTimer(ChannelHandlerContext ctx) {
        if (ackTimerArmed) {
            return;
        }
        ackTimerArmed = true;
        ctx.executor().schedule(() -> {
            ackTimerArmed = false;
            if (v1.unacked() > 0 && ctx.channel().isActive()) {
                ctx.writeAndFlush(v1.ack());
            }
        }, ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (v1 != null && v1.unacked() >= ACK_EVERY) {
            ctx.writeAndFlush(v1.ack());
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!leaving && joinSent.isDone() && !joinSent.isCompletedExceptionally()) {
            tally.dropped.incrementAndGet();
        }
        joinSent.completeExceptionally(new IllegalStateException("closed before joining"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        joinSent.completeExceptionally(cause);
        ctx.close();
    }
}
