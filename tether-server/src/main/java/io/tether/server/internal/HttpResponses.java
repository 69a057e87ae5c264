package io.tether.server.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Plain-text HTTP error answers that say what was wrong, then close the connection. */
final class HttpResponses {
    private HttpResponses() {
    }

    /** Sends {@code status} with {@code reason} as a one-line text body and closes. */
    static void sendAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        ctx.writeAndFlush(error(ctx, status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    static FullHttpResponse error(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), reason + "\n"));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
