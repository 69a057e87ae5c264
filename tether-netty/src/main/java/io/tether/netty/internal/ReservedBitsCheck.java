package io.tether.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import java.util.Locale;

/**
 * On a connection with permessage-deflate the frame decoder has to let reserved bits through, so
 * this puts back what it no longer checks (RFC 7692 6.1, RFC 6455 5.2): RSV1 is allowed on the
 * first frame of a text or binary message only, RSV2 and RSV3 never. A violation closes with 1002.
 * Sits between the frame decoder and the inflater, which would otherwise clear RSV1 of a
 * continuation frame without a word. Connection-scoped.
 */
final class ReservedBitsCheck extends FrameCheck {
    static final String NAME = "tether-rsv-check";

    @Override
    protected void check(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame && frame.rsv() != 0 && !(frame.rsv() == WebSocketExtension.RSV1
                && (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame))) {
            String reason = "reserved bits " + Integer.toBinaryString(frame.rsv()) + " set on a "
                    + frame.getClass().getSimpleName().replace("WebSocketFrame", "").toLowerCase(Locale.ROOT) + " frame";
            frame.release();
            fail(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, reason);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
