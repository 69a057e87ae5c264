package io.tether.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.tether.netty.Transports;

/** The baseline: Netty's own WebSocketServerProtocolHandler and a handler that writes frames back. */
public final class NettyEchoServer {
    private NettyEchoServer() {
    }

    /**
     * @param consolidateFlushes also install Netty's FlushConsolidationHandler, as Tether does: the
     *     fair comparison for Tether's per-message cost, next to the plain echo
     */
    public static AutoCloseable start(int port, boolean consolidateFlushes) {
        Transports transport = Transports.best();
        EventLoopGroup group = transport.newGroup(1, "netty-echo");
        Channel channel = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (consolidateFlushes) {
                            ch.pipeline().addLast(new FlushConsolidationHandler(256, false));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/echo").maxFramePayloadLength(1 << 20).build()),
                                new SimpleChannelInboundHandler<WebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                                            ctx.writeAndFlush(frame.retain());
                                        }
                                    }
                                });
                    }
                }).bind("127.0.0.1", port).syncUninterruptibly().channel();
        return () -> {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully().syncUninterruptibly();
        };
    }
}
