package io.tether.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.tether.core.HandshakeRequest;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.testkit.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real RFC 6455 upgrade between two {@link EmbeddedChannel}s (bytes shuttled by hand, time frozen):
 * after it, {@link FramePipeline#install} has left the frame handlers in place by name, with the
 * encoder in front of the decoder, and the handshake handler that called it is gone; frames then
 * travel both ways through the real codecs (masked from the client), and the close handshake runs
 * over the wire.
 */
class FramePipelineTest {
    private static final HeartbeatConfig HEARTBEAT = HeartbeatConfig.builder().pingInterval(Duration.ofSeconds(20))
            .pingTimeout(Duration.ofSeconds(10)).build();

    private final RecordingListener serverListener = new RecordingListener();
    private final RecordingListener clientListener = new RecordingListener();
    private final CompletableFuture<WebSocketConnection> serverConnection = new CompletableFuture<>();
    private final CompletableFuture<WebSocketConnection> clientConnection = new CompletableFuture<>();
    private EmbeddedChannel server;
    private EmbeddedChannel client;

    /** What the server's handshake handler does, reduced to the upgrade: handshake, install, open. */
    private final class ServerUpgrade extends ChannelInboundHandlerAdapter {
        private final ConnectionSettings settings;

        ServerUpgrade(ConnectionSettings settings) {
            this.settings = settings;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            FullHttpRequest request = (FullHttpRequest) msg;
            try {
                WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(1 << 16)
                        .expectMaskedFrames(true).allowMaskMismatch(false).closeOnProtocolViolation(true).build();
                var handshaker = new TetherServerHandshaker("ws://test/echo", null, decoder);
                var connection = new WebSocketConnectionHandler(ctx.channel(), settings, serverListener, HandshakeRequest.builder().path("/echo").build(), Map.of());
                var done = handshaker.handshake(ctx.channel(), request, null, ctx.newPromise());
                FramePipeline.install(ctx, settings, connection);
                done.addListener(f -> {
                    if (f.isSuccess()) {
                        connection.fireOpen();
                        serverConnection.complete(connection);
                    }
                });
            } finally {
                request.release();
            }
        }
    }

    /** What the client's handshake handler does once the 101 arrives. */
    private final class ClientUpgrade extends ChannelInboundHandlerAdapter {
        private final TetherClientHandshaker handshaker;
        private final ConnectionSettings settings;

        ClientUpgrade(TetherClientHandshaker handshaker, ConnectionSettings settings) {
            this.handshaker = handshaker;
            this.settings = settings;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            FullHttpResponse response = (FullHttpResponse) msg;
            try {
                handshaker.finishHandshake(ctx.channel(), response);
            } finally {
                response.release();
            }
            var connection = new WebSocketConnectionHandler(ctx.channel(), settings, clientListener, HandshakeRequest.builder().path("/echo").build(), Map.of());
            FramePipeline.install(ctx, settings, connection);
            connection.fireOpen();
            clientConnection.complete(connection);
        }
    }

    @AfterEach
    void nothingLeftInEitherChannel() {
        assertThat(server.finishAndReleaseAll()).as("left in the server channel").isFalse();
        assertThat(client.finishAndReleaseAll()).as("left in the client channel").isFalse();
    }

    private WebSocketConnection[] upgrade(HeartbeatConfig heartbeat) {
        ConnectionSettings serverSettings = new ConnectionSettings(false, 1 << 16, Duration.ofSeconds(5), heartbeat,
                new SplittableRandom(1));
        ConnectionSettings clientSettings = new ConnectionSettings(true, 1 << 16, Duration.ofSeconds(5), heartbeat,
                new SplittableRandom(2));
        server = new EmbeddedChannel();
        server.freezeTime();
        server.pipeline().addLast("http", new HttpServerCodec()).addLast("http-aggregator", new HttpObjectAggregator(8192))
                .addLast("handshake", new ServerUpgrade(serverSettings));
        client = new EmbeddedChannel();
        client.freezeTime();
        var handshaker = new TetherClientHandshaker(URI.create("ws://test/echo"), null, new DefaultHttpHeaders(), 1 << 16,
                5000);
        client.pipeline().addLast("http", new HttpClientCodec()).addLast("http-aggregator", new HttpObjectAggregator(8192))
                .addLast("handshake", new ClientUpgrade(handshaker, clientSettings));
        handshaker.handshake(client);
        shuttle();
        return new WebSocketConnection[] {serverConnection.getNow(null), clientConnection.getNow(null)};
    }

    /** Moves bytes between the two channels until neither has anything to send. */
    private void shuttle() {
        boolean moved = true;
        while (moved) {
            moved = move(client, server) | move(server, client);
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (ByteBuf b = from.readOutbound(); b != null; b = from.readOutbound()) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(b);
            } else {
                b.release();
            }
        }
        return moved;
    }

    private static @Nullable String decoderName(EmbeddedChannel ch) {
        ChannelHandlerContext ctx = ch.pipeline().context(WebSocketFrameDecoder.class);
        return ctx == null ? null : ctx.name();
    }

    @Test
    void afterTheUpgrade_theFrameHandlersAreInPlaceByName_andTheHandshakeHandlerIsGone() {
        WebSocketConnection[] c = upgrade(HEARTBEAT);
        assertThat(c[0]).as("server side open").isNotNull();
        assertThat(c[1]).as("client side open").isNotNull();
        for (EmbeddedChannel ch : new EmbeddedChannel[] {server, client}) {
            assertThat(ch.pipeline().names()).as(ch == server ? "server pipeline" : "client pipeline")
                    .startsWith(FramePipeline.ENCODER_NAME, decoderName(ch), HeartbeatHandler.NAME, FramePipeline.UTF8_NAME,
                            WebSocketConnectionHandler.NAME)
                    .doesNotContain("handshake", "http", "http-aggregator", FramePipeline.AGGREGATOR_NAME);
            assertThat(ch.pipeline().get(WebSocketFrameDecoder.class)).isInstanceOf(StrictCloseFrameDecoder.class);
            assertThat(ch.pipeline().get(WebSocketConnectionHandler.NAME)).isSameAs(ch == server ? c[0] : c[1]);
        }
        assertThat(serverListener.events).containsExactly("open");
        assertThat(clientListener.events).containsExactly("open");
    }

    @Test
    void withoutHeartbeat_noHeartbeatHandlerIsInstalled() {
        upgrade(HeartbeatConfig.DISABLED);
        for (EmbeddedChannel ch : new EmbeddedChannel[] {server, client}) {
            assertThat(ch.pipeline().names()).startsWith(FramePipeline.ENCODER_NAME, decoderName(ch),
                    FramePipeline.UTF8_NAME, WebSocketConnectionHandler.NAME).doesNotContain(HeartbeatHandler.NAME, "handshake");
        }
    }

    @Test
    void framesCrossBothWays_andTheCloseHandshakeRunsOverTheWire() throws Exception {
        WebSocketConnection[] c = upgrade(HEARTBEAT);
        c[1].sendText("from client");
        c[0].sendText("from server");
        shuttle();
        assertThat(serverListener.messages).containsExactly("from client");
        assertThat(clientListener.messages).containsExactly("from server");

        c[1].close(4000, "bye");
        client.runPendingTasks();
        shuttle();
        assertThat(server.isOpen()).as("the server closes TCP after answering the Close").isFalse();
        assertThat(serverListener.terminal.getNow(null).code()).isEqualTo(4000);
        assertThat(serverListener.terminal.getNow(null).reason()).isEqualTo("bye");
        // The server's TCP close reaches the client.
        client.close();
        RecordingListener.Terminal end = clientListener.terminal.getNow(null);
        assertThat(end.code()).isEqualTo(4000);
        assertThat(end.cause()).isNull();
    }
}
