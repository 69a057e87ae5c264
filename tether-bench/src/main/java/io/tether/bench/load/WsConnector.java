package io.tether.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.tether.core.internal.protocol.Frame;
import io.tether.netty.internal.Transports;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Netty WebSocket client connections to one URI, the pipeline every load generator here uses:
 * HTTP codec, Netty's client protocol handler (which answers pings), then the caller's handler,
 * which sees {@code HANDSHAKE_COMPLETE} and the data frames. Asks for {@code tether.v1} with
 * {@code v1}. Text frames are checked for valid UTF-8 unless {@code validateUtf8} is off: the
 * check of every byte made the broadcast generator, receiving 4 KiB text messages for a thousand
 * members, the bottleneck (its checks of the message layout are its own).
 */
final class WsConnector {
    /** Largest frame payload accepted: the large-message scenario's 64 KiB with room to spare. */
    private static final int MAX_FRAME = 2 << 20;

    private final WebSocketClientProtocolConfig config;
    private final URI uri;
    private final Bootstrap bootstrap;

    WsConnector(EventLoopGroup group, Transports transport, URI uri, boolean v1) {
        this(group, transport, uri, v1, true);
    }

    WsConnector(EventLoopGroup group, Transports transport, URI uri, boolean v1, boolean validateUtf8) {
        this.uri = uri;
        this.config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri).version(WebSocketVersion.V13)
                .subprotocol(v1 ? Frame.SUBPROTOCOL : null).allowExtensions(false).customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(MAX_FRAME).withUTF8Validator(validateUtf8).build();
        this.bootstrap = new Bootstrap().group(group).channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    /** Connects from {@code localAddress} (any when null), with {@code handler} last in the pipeline. */
    ChannelFuture connect(ChannelHandler handler, String localAddress) {
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                        new WebSocketClientProtocolHandler(config), handler);
            }
        });
        return localAddress == null ? b.connect(uri.getHost(), uri.getPort())
                : b.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), new InetSocketAddress(localAddress, 0));
    }
}
