package io.tether.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.zip.DataFormatException;

/**
 * The decompression-bomb guard, right after the inflater. The frame decoder limits what a frame
 * carries on the wire; a few kilobytes of deflate data can inflate to gigabytes, so the inflated
 * frame is held to the same limit, and beyond it the connection closes with 1009. The inflater
 * itself stops allocating a little past the limit (Netty's {@code maxAllocation}, see
 * {@link NegotiatedDeflate#maxAllocation}) and throws {@link DecompressionException}, which this
 * turns into the same 1009; deflate data that does not inflate at all closes with 1007. The joined
 * message is limited by the fragment aggregator as before, on inflated fragments. Connection-scoped.
 */
final class InflatedFrameLimit extends FrameCheck {
    static final String NAME = "tether-inflated-limit";

    private final int maxFrameSize;

    InflatedFrameLimit(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void check(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame && isData(frame) && frame.content().readableBytes() > maxFrameSize) {
            frame.release();
            tooBig(ctx);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isEmptyFirstFragment(cause)) {
            if (!failed()) {
                // Netty's inflater refuses a first fragment whose data inflates to nothing (legal
                // in RFC 7692, but no sender we know does it): a clear close instead of a 1011.
                fail(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                        "a compressed first fragment that inflates to nothing is not supported");
            }
            return;
        }
        if (!(cause instanceof DecompressionException)) {
            ctx.fireExceptionCaught(cause);
        } else if (!failed()) {
            if (cause.getCause() instanceof DataFormatException) {
                fail(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid compressed data");
            } else {
                tooBig(ctx); // the inflater reached its allocation limit
            }
        }
        // Once failed, the inflater's later complaints are about the same broken stream.
    }

    /** Netty's DeflateDecoder: "cannot read uncompressed buffer", wrapped by its MessageToMessageDecoder. */
    private static boolean isEmptyFirstFragment(Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return c instanceof CodecException && !(c instanceof DecompressionException)
                && "cannot read uncompressed buffer".equals(c.getMessage());
    }

    private void tooBig(ChannelHandlerContext ctx) {
        fail(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "frame inflates to more than " + maxFrameSize + " bytes");
    }

    private static boolean isData(WebSocketFrame frame) {
        return frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                || frame instanceof ContinuationWebSocketFrame;
    }
}
