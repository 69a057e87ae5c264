package io.tether.bench.servers;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.tether.netty.internal.Transports;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The baseline: Netty's own WebSocketServerProtocolHandler and a handler that writes frames back. */
public final class NettyEchoServer {
    private NettyEchoServer() {
    }

    /**
     * @param consolidateFlushes also install Netty's FlushConsolidationHandler, as Tether does: the
     *     fair comparison for Tether's per-message cost, next to the plain echo
     * @param heartbeat null for none; otherwise the usual Netty recipe, an {@link IdleStateHandler}
     *     that pings after this much silence and closes after 1.5 times as much without a read —
     *     the baseline for what Tether's heartbeats cost
     */
    public static AutoCloseable start(int port, boolean consolidateFlushes, Duration heartbeat) {
        Transports transport = Transports.best();
        EventLoopGroup group = transport.newGroup(1, "netty-echo");
        return NettyServers.serve(transport, group, port, pipeline -> {
            if (heartbeat != null) {
                long interval = heartbeat.toMillis();
                pipeline.addLast(new IdleStateHandler(interval * 3 / 2, 0, interval, TimeUnit.MILLISECONDS),
                        new PingWhenIdle());
            }
            if (consolidateFlushes) {
                pipeline.addLast(new FlushConsolidationHandler(256, false));
            }
            NettyServers.addWebSocket(pipeline, "/echo");
            pipeline.addLast(new SimpleChannelInboundHandler<WebSocketFrame>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                    if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                        ctx.writeAndFlush(frame.retain());
                    }
                }
            });
        });
    }

    /**
     * Pings on {@code ALL_IDLE}, closes on {@code READER_IDLE}: Netty's documented heartbeat idiom.
     * Sits in front of the codec (the idle handler must see raw reads), so it writes from the tail.
     */
    private static final class PingWhenIdle extends ChannelDuplexHandler {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.READER_IDLE) {
                    ctx.close();
                } else if (idle.state() == IdleState.ALL_IDLE) {
                    ctx.channel().writeAndFlush(new PingWebSocketFrame(ctx.alloc().buffer(Long.BYTES).writeLong(System.nanoTime())));
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}
