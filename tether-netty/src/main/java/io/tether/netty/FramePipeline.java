package io.tether.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;

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
    public static final String ENCODER_NAME = "tether-ws-encoder";

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
        encoderBeforeDecoder(p, settings.client());
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

    /**
     * Netty's handshakers put the frame decoder in front of the encoder. When the decoder meets a
     * protocol violation it writes its Close frame from its own context, which then never passes
     * the encoder: the peer gets no Close frame, only a dropped connection. With the encoder
     * closer to the head, every write — from any handler — is encoded.
     */
    private static void encoderBeforeDecoder(ChannelPipeline p, boolean client) {
        ChannelHandlerContext encoder = p.context(WebSocketFrameEncoder.class);
        ChannelHandlerContext decoder = p.context(WebSocketFrameDecoder.class);
        if (encoder != null && decoder != null) {
            // Encoders are not @Sharable: replace Netty's by an equal one (clients mask, servers don't).
            p.remove(encoder.name());
            p.addBefore(decoder.name(), ENCODER_NAME, new WebSocket13FrameEncoder(client));
        }
    }
}
