package io.tether.netty.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.tether.core.CloseCodes;

/**
 * An inbound frame check that fails the connection the way Netty's frame decoder does: it writes
 * the Close frame itself (from its own context, so it passes the frame encoder but no deflater),
 * closes the channel once that is written, and tells the connection handler with a
 * {@link CorruptedWebSocketFrameException}. After that every further frame is dropped: what
 * follows a broken frame is not to be trusted. Event loop only.
 */
abstract class FrameCheck extends ChannelInboundHandlerAdapter {
    private boolean failed;

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        check(ctx, msg);
    }

    /** Passes {@code msg} on, or releases it and calls {@link #fail}. */
    protected abstract void check(ChannelHandlerContext ctx, Object msg) throws Exception;

    /** Whether the connection was failed here already (later errors are echoes of that one). */
    protected final boolean failed() {
        return failed;
    }

    protected final void fail(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        failed = true;
        String fitted = CloseCodes.fitReason(reason);
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), fitted)).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(status, fitted));
    }
}
