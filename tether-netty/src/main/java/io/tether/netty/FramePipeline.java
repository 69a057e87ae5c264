package io.tether.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * Installs the handlers a connection needs once Netty's handshaker has put its frame decoder and
 * encoder in place, at the position of the (self-removing) handshake handler:
 *
 * <pre>
 *  frame decoder/encoder → heartbeat → UTF-8 validator → fragment aggregator → connection
 * </pre>
 */
public final class FramePipeline {
    public static final String UTF8_NAME = "tether-utf8";
    public static final String AGGREGATOR_NAME = "tether-aggregator";

    private FramePipeline() {
    }

    /**
     * Replaces the handshake handler at {@code handshakeCtx} by the frame handlers ending in
     * {@code connection}. Must run on the channel's event loop, in the same event-loop turn as the
     * handshake, so that no frame can arrive before the handlers are in place.
     */
    public static void install(ChannelHandlerContext handshakeCtx, ConnectionSettings settings,
            WebSocketConnectionHandler connection) {
        ChannelPipeline p = handshakeCtx.pipeline();
        String after = handshakeCtx.name();
        if (settings.heartbeat().enabled()) {
            HeartbeatHandler heartbeat = new HeartbeatHandler(settings.heartbeat(), settings.random());
            p.addAfter(after, HeartbeatHandler.NAME, heartbeat);
            connection.attachHeartbeat(heartbeat);
            after = HeartbeatHandler.NAME;
        }
        p.addAfter(after, UTF8_NAME, new Utf8FrameValidator(true));
        p.addAfter(UTF8_NAME, AGGREGATOR_NAME, new WebSocketFrameAggregator(settings.maxMessageSize()));
        p.addAfter(AGGREGATOR_NAME, WebSocketConnectionHandler.NAME, connection);
        p.remove(handshakeCtx.handler());
    }
}
