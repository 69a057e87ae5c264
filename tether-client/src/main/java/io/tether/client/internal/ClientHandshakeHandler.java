package io.tether.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tether.core.ConnectFailedException;
import io.tether.core.HandshakeRejectedException;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.netty.internal.ClientDeflateNegotiator;
import io.tether.netty.internal.ConnectionSettings;
import io.tether.netty.internal.FramePipeline;
import io.tether.netty.internal.HandshakeRequests;
import io.tether.netty.internal.NegotiatedDeflate;
import io.tether.netty.internal.TetherClientHandshaker;
import io.tether.netty.internal.WebSocketConnectionHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Sends the upgrade request once the channel is active, checks the answer with Netty's handshaker
 * and, on 101, installs the frame pipeline in its own place and completes the connect stage. Any
 * other answer fails the stage with {@link HandshakeRejectedException} (status and headers kept);
 * silence fails it with {@link ConnectFailedException} after the handshake timeout, and so does a
 * 101 whose {@code Sec-WebSocket-Extensions} names what was not offered.
 */
public final class ClientHandshakeHandler extends ChannelInboundHandlerAdapter {
    public static final String NAME = "tether-client-handshake";
    private static final int MAX_REASON_BODY = 200;

    private final URI uri;
    private final TetherClientHandshaker handshaker;
    private final List<String> offered;
    private final ConnectionSettings settings;
    private final WebSocketListener listener;
    private final Duration handshakeTimeout;
    private final CompletableFuture<WebSocketConnection> result;
    private final ClientDeflateNegotiator deflate;
    private @Nullable ScheduledFuture<?> timeout;

    public ClientHandshakeHandler(URI uri, TetherClientHandshaker handshaker, List<String> offered,
            ConnectionSettings settings,
            WebSocketListener listener, Duration handshakeTimeout, CompletableFuture<WebSocketConnection> result,
            ClientDeflateNegotiator deflate) {
        this.uri = uri;
        this.handshaker = handshaker;
        this.offered = List.copyOf(offered);
        this.settings = settings;
        this.listener = listener;
        this.handshakeTimeout = handshakeTimeout;
        this.result = result;
        this.deflate = deflate;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        timeout = ctx.executor().schedule(() -> fail(ctx, new ConnectFailedException(ConnectFailedException.Kind.TIMED_OUT,
                "no handshake answer from " + uri + " within " + handshakeTimeout.toMillis() + " ms", null)),
                handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        handshaker.handshake(ctx.channel()).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, new ConnectFailedException("cannot send the handshake to " + uri, f.cause()));
            }
        });
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpResponse response) || handshaker.isHandshakeComplete()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        String selected = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        NegotiatedDeflate agreed;
        try {
            agreed = response.status().code() == 101
                    ? deflate.accept(response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)) : null;
        } catch (ConnectFailedException e) {
            response.release();
            fail(ctx, e);
            return;
        }
        if (agreed != null) {
            handshaker.allowExtensions(); // before finishHandshake builds the frame decoder
        }
        try {
            // We offered the subprotocols ourselves; Netty checks everything else.
            response.headers().remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
            handshaker.finishHandshake(ctx.channel(), response);
        } catch (WebSocketClientHandshakeException e) {
            fail(ctx, rejection(response, e));
            return;
        } finally {
            response.release();
        }
        if (selected != null && !offered.contains(selected.trim())) {
            // RFC 6455 4.1: the client must fail a connection whose server picked what it did not offer.
            fail(ctx, new ConnectFailedException("the server selected subprotocol '" + selected
                    + "', which was not offered (" + offered + ")"));
            return;
        }
        cancelTimeout();
        var sent = handshaker.sentHeaders();
        var handshake = HandshakeRequests.of(
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath(), uri.getRawQuery(),
                sent == null ? io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE : sent,
                ctx.channel().remoteAddress(), selected == null ? null : selected.trim());
        var connection = new WebSocketConnectionHandler(ctx.channel(), settings, listener, handshake, Map.of());
        FramePipeline.install(ctx, settings, connection, agreed);
        connection.fireOpen();
        result.complete(connection);
    }

    private static Exception rejection(FullHttpResponse response, WebSocketClientHandshakeException e) {
        int status = response.status().code();
        if (status == 101) {
            // 101 but a bad Sec-WebSocket-Accept or Upgrade header: not a WebSocket server we can trust.
            return new ConnectFailedException("invalid handshake answer: " + e.getMessage(), e);
        }
        Map<String, String> headers = new HashMap<>();
        response.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        ByteBuf body = response.content();
        String text = body.toString(body.readerIndex(), Math.min(body.readableBytes(), MAX_REASON_BODY),
                StandardCharsets.UTF_8).strip();
        String reason = response.status().reasonPhrase() + (text.isEmpty() ? "" : " (" + text + ")");
        return new HandshakeRejectedException(status, reason, headers);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, new ConnectFailedException("handshake with " + uri + " failed: " + cause.getMessage(), cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(ctx, new ConnectFailedException("connection to " + uri + " closed during the handshake"));
        super.channelInactive(ctx);
    }

    private void fail(ChannelHandlerContext ctx, Exception cause) {
        cancelTimeout();
        if (result.completeExceptionally(cause)) {
            ctx.close();
        }
    }

    private void cancelTimeout() {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
            timeout = null;
        }
    }
}
