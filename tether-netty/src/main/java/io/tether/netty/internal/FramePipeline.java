package io.tether.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Installs the handlers a connection needs once Netty's handshaker has put its frame decoder and
 * encoder in place, at the position of the (self-removing) handshake handler:
 *
 * <pre>
 *  frame encoder → frame decoder → heartbeat → UTF-8 validator → connection
 * </pre>
 *
 * <p>With permessage-deflate negotiated, four more come right after the frame decoder:
 *
 * <pre>
 *  frame encoder → frame decoder → RSV check → inflater → deflater → inflated-size limit → heartbeat → …
 * </pre>
 *
 * The RSV check sees the frames as they came (the inflater clears RSV1); everything after the
 * inflater, the UTF-8 validator included, sees inflated payloads. Outbound, data frames pass the
 * deflater on their way to the frame encoder; control frames are not compressed (Netty's deflater
 * takes data frames only), and Close frames that the frame decoder or the checks write from their
 * own contexts only pass the frame encoder.
 *
 * <p>The fragment aggregator joins the pipeline in front of the connection handler when the first
 * fragmented message arrives ({@link #aggregateFrom}), not before: most connections never fragment,
 * and an idle connection should carry no more than it needs (a context and an aggregator, 112 bytes).
 */
public final class FramePipeline {
    public static final String UTF8_NAME = "tether-utf8";
    public static final String AGGREGATOR_NAME = "tether-aggregator";
    public static final String ENCODER_NAME = "tether-ws-encoder";
    public static final String INFLATER_NAME = "tether-inflater";
    public static final String DEFLATER_NAME = "tether-deflater";

    private FramePipeline() {
    }

    /**
     * Replaces the handshake handler at {@code handshakeCtx} by the frame handlers ending in
     * {@code connection}. Must run on the channel's event loop, in the same event-loop turn as the
     * handshake, so that no frame can arrive before the handlers are in place.
     */
    public static void install(ChannelHandlerContext handshakeCtx, ConnectionSettings settings,
            WebSocketConnectionHandler connection) {
        install(handshakeCtx, settings, connection, null);
    }

    /**
     * As {@link #install(ChannelHandlerContext, ConnectionSettings, WebSocketConnectionHandler)},
     * with the deflate handlers of {@code deflate} when permessage-deflate was negotiated. The frame
     * decoder must then have been built to allow reserved bits.
     */
    public static void install(ChannelHandlerContext handshakeCtx, ConnectionSettings settings,
            WebSocketConnectionHandler connection, @Nullable NegotiatedDeflate deflate) {
        ChannelPipeline p = handshakeCtx.pipeline();
        encoderBeforeDecoder(p, settings.client());
        String after = handshakeCtx.name();
        if (deflate != null) {
            p.addAfter(after, ReservedBitsCheck.NAME, new ReservedBitsCheck())
                    .addAfter(ReservedBitsCheck.NAME, INFLATER_NAME, deflate.extension().newExtensionDecoder())
                    .addAfter(INFLATER_NAME, DEFLATER_NAME, deflate.extension().newExtensionEncoder())
                    .addAfter(DEFLATER_NAME, InflatedFrameLimit.NAME,
                            new InflatedFrameLimit(deflate.maxInflatedFrameSize()));
            after = InflatedFrameLimit.NAME;
        }
        if (settings.heartbeat().enabled()) {
            HeartbeatHandler heartbeat = new HeartbeatHandler(settings.heartbeat(), settings.random(), settings.meter());
            p.addAfter(after, HeartbeatHandler.NAME, heartbeat);
            connection.attachHeartbeat(heartbeat);
            after = HeartbeatHandler.NAME;
        }
        p.addAfter(after, UTF8_NAME, new Utf8FrameValidator(true));
        p.addAfter(UTF8_NAME, WebSocketConnectionHandler.NAME, connection);
        p.remove(handshakeCtx.handler());
    }

    /**
     * Puts the fragment aggregator in front of {@code connectionCtx} (once; it stays for later
     * fragmented messages) and hands it {@code firstFragment}, which it now owns. The joined message
     * reaches the connection handler through the pipeline as usual; an oversized one becomes a
     * {@link io.netty.handler.codec.TooLongFrameException} there. Event loop only.
     *
     * @throws Exception what the aggregator throws, for the connection handler's caller to report
     */
    static void aggregateFrom(ChannelHandlerContext connectionCtx, WebSocketFrame firstFragment, int maxMessageSize)
            throws Exception {
        ChannelPipeline p = connectionCtx.pipeline();
        ChannelHandlerContext aggregatorCtx = p.context(AGGREGATOR_NAME);
        if (aggregatorCtx == null) {
            p.addBefore(connectionCtx.name(), AGGREGATOR_NAME, new WebSocketFrameAggregator(maxMessageSize));
            aggregatorCtx = Objects.requireNonNull(p.context(AGGREGATOR_NAME));
        }
        // Called directly rather than re-fired from the head: the frame has already passed the
        // decoder, the heartbeat and the UTF-8 validator, which must not see it twice.
        ((WebSocketFrameAggregator) aggregatorCtx.handler()).channelRead(aggregatorCtx, firstFragment);
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
