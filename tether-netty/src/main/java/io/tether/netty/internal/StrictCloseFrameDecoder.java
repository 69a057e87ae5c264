package io.tether.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Netty's RFC 6455 frame decoder, with two differences. When the peer's Close frame is invalid (a
 * one-byte body, or a code RFC 6455 7.4 forbids on the wire) Netty drops the TCP connection without
 * a word, because a Close was "already received". We first send Close 1002 saying what was wrong,
 * so the peer learns why, then let Netty fail the connection as usual. And codes of 5000 and more,
 * which RFC 6455 7.4.2 leaves undefined and Netty lets through (it would have us echo them), are
 * refused the same way.
 */
public final class StrictCloseFrameDecoder extends WebSocket13FrameDecoder {
    /** RFC 6455 7.4.2 defines codes up to 4999. */
    private static final int UNDEFINED_FROM = 5000;

    public StrictCloseFrameDecoder(WebSocketDecoderConfig config) {
        super(config);
    }

    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf buffer) {
        String problem = problemWith(buffer);
        WebSocketCloseStatus status = WebSocketCloseStatus.PROTOCOL_ERROR;
        if (problem == null && buffer != null && !isUtf8Reason(buffer)) {
            problem = "close reason is not valid UTF-8";
            status = WebSocketCloseStatus.INVALID_PAYLOAD_DATA;
        }
        ChannelFuture sent = null;
        if (problem != null && ctx.channel().isActive()) {
            // Through the whole pipeline, so the frame encoder writes it.
            sent = ctx.channel().writeAndFlush(new CloseWebSocketFrame(status, problem));
        }
        super.checkCloseFrameBody(ctx, buffer);
        if (problem != null) {
            // Netty accepted it (a code of 5000 or more): fail the connection as Netty would.
            if (sent != null) {
                sent.addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            throw new CorruptedWebSocketFrameException(status, problem);
        }
    }

    private static boolean isUtf8Reason(ByteBuf buffer) {
        if (buffer.readableBytes() <= 2) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buffer.nioBuffer(buffer.readerIndex() + 2, buffer.readableBytes() - 2));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static @Nullable String problemWith(@Nullable ByteBuf buffer) {
        if (buffer == null || !buffer.isReadable()) {
            return null;
        }
        if (buffer.readableBytes() == 1) {
            return "close frame with a 1-byte body";
        }
        int code = buffer.getUnsignedShort(buffer.readerIndex());
        return WebSocketCloseStatus.isValidStatusCode(code) && code < UNDEFINED_FROM ? null
                : "close code " + code + " is not allowed";
    }
}
