package io.tether.bench.servers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.tether.netty.internal.Transports;
import java.nio.charset.StandardCharsets;

/**
 * The baseline of room fan-out: bare Netty at /room (the pipeline of {@link NettyEchoServer} with
 * flush consolidation, as Tether has) and a {@link ChannelGroup}. A connection that sends "join"
 * is added to the group; any other text frame is written to every member with
 * {@code group.writeAndFlush}, which gives each one a retained duplicate of the one frame. No
 * numbering, no buffer for a member that is away: what Tether's rooms add is what the difference
 * in the two servers' cost per delivery pays for.
 */
public final class NettyBroadcastServer {
    private static final ByteBuf JOIN = Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer(TetherRoomServer.JOIN, StandardCharsets.US_ASCII));

    private NettyBroadcastServer() {
    }

    /** Starts and returns. */
    public static AutoCloseable start(int port) {
        Transports transport = Transports.best();
        EventLoopGroup group = transport.newGroup(1, "netty-broadcast");
        // The group's own executor only notifies listeners of its futures (there are none): the
        // one event loop, so that no other thread is started.
        ChannelGroup room = new DefaultChannelGroup(TetherRoomServer.ROOM, group.next());
        ChannelHandler broadcast = new Broadcast(room);
        return NettyServers.serve(transport, group, port, pipeline -> {
            pipeline.addLast(new FlushConsolidationHandler(256, false));
            NettyServers.addWebSocket(pipeline, TetherRoomServer.PATH);
            pipeline.addLast(broadcast);
        });
    }

    /** "join" adds the channel to the room; any other text frame goes to every member. Stateless, so shared. */
    @ChannelHandler.Sharable
    private static final class Broadcast extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final ChannelGroup room;

        Broadcast(ChannelGroup room) {
            this.room = room;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            if (ByteBufUtil.equals(frame.content(), JOIN)) {
                room.add(ctx.channel());
            } else {
                // One retain for the group, which releases it after handing each member a
                // retained duplicate; SimpleChannelInboundHandler releases the read's own.
                room.writeAndFlush(frame.retain());
            }
        }
    }
}
