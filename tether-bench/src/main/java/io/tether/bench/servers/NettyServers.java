package io.tether.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.tether.netty.internal.Transports;
import java.util.function.Consumer;

/** What the bare-Netty servers share: the bootstrap on 127.0.0.1 and Netty's own WebSocket upgrade. */
final class NettyServers {
    private NettyServers() {
    }

    /**
     * Binds {@code port} on 127.0.0.1 with {@code group}'s loops, building each connection's
     * pipeline with {@code pipeline}; closing the result closes the channel and the group.
     */
    static AutoCloseable serve(Transports transport, EventLoopGroup group, int port, Consumer<ChannelPipeline> pipeline) {
        Channel channel = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        pipeline.accept(ch.pipeline());
                    }
                }).bind("127.0.0.1", port).syncUninterruptibly().channel();
        return () -> {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully().syncUninterruptibly();
        };
    }

    /** HTTP, then Netty's WebSocketServerProtocolHandler upgrading at {@code path} (frames up to 1 MiB). */
    static void addWebSocket(ChannelPipeline pipeline, String path) {
        pipeline.addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(path).maxFramePayloadLength(1 << 20).build()));
    }
}
