package io.tether.server.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tether.core.HandshakeRequest;
import io.tether.server.HttpRoute;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs an application's {@link HttpRoute} and writes its answer; a route that fails is a 500. */
final class Routes {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "connection");

    private Routes() {
    }

    static void answer(ChannelHandlerContext ctx, HttpRoute route, String method, HandshakeRequest request) {
        HttpRoute.Answer answer;
        try {
            answer = route.answer(method, request);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log.warn("{} HTTP route {} threw; answering 500", ctx.channel(), request.path(), e);
            answer = null;
        }
        if (answer == null) {
            HttpResponses.sendAndClose(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach((name, value) -> {
            if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                response.headers().set(name, value);
            }
        });
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
