package io.tether.netty.internal;

import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import org.jspecify.annotations.Nullable;

/** Netty's RFC 6455 (version 13) server handshaker, installing {@link StrictCloseFrameDecoder}. */
public final class TetherServerHandshaker extends WebSocketServerHandshaker13 {
    public TetherServerHandshaker(String webSocketUrl, @Nullable String subprotocols, WebSocketDecoderConfig config) {
        super(webSocketUrl, subprotocols, config);
    }

    @Override
    protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new StrictCloseFrameDecoder(decoderConfig());
    }
}
