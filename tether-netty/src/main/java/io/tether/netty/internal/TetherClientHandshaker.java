package io.tether.netty.internal;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Netty's RFC 6455 (version 13) client handshaker: masks every frame, expects unmasked frames from
 * the server and installs {@link StrictCloseFrameDecoder}.
 */
public final class TetherClientHandshaker extends WebSocketClientHandshaker13 {
    private WebSocketDecoderConfig decoderConfig;
    private @Nullable HttpHeaders sentHeaders;

    /**
     * @param subprotocols comma-separated subprotocols to offer, or null
     * @param maxFramePayloadLength largest frame accepted from the server
     * @param forceCloseTimeoutMillis how long Netty waits for the server's TCP close after Close
     */
    public TetherClientHandshaker(URI uri, @Nullable String subprotocols, HttpHeaders headers,
            int maxFramePayloadLength, long forceCloseTimeoutMillis) {
        super(uri, WebSocketVersion.V13, subprotocols, false, headers, maxFramePayloadLength, true, false,
                forceCloseTimeoutMillis);
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFramePayloadLength)
                .expectMaskedFrames(false)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
    }

    @Override
    protected FullHttpRequest newHandshakeRequest() {
        FullHttpRequest request = super.newHandshakeRequest();
        sentHeaders = request.headers();
        return request;
    }

    /** The headers of the upgrade request as sent (Netty's and ours), once it was built; event loop only. */
    public @Nullable HttpHeaders sentHeaders() {
        return sentHeaders;
    }

    /**
     * Lets the frame decoder built by {@code finishHandshake} accept reserved bits, for the checks
     * of a negotiated extension to judge ({@link FramePipeline}). Call before {@code finishHandshake}.
     */
    public void allowExtensions() {
        decoderConfig = decoderConfig.toBuilder().allowExtensions(true).build();
    }

    @Override
    protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new StrictCloseFrameDecoder(decoderConfig);
    }
}
