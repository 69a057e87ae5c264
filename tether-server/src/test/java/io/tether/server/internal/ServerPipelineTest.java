package io.tether.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.tether.core.CompressionConfig;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.netty.internal.FramePipeline;
import io.tether.netty.internal.HeartbeatHandler;
import io.tether.netty.internal.WebSocketConnectionHandler;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.testkit.RecordingListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server's real pipeline in an {@link EmbeddedChannel}: what {@link ServerChannelInitializer}
 * builds, and what is left of it after an upgrade.
 */
class ServerPipelineTest {
    private static final String UPGRADE = "GET /echo HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @Test
    void afterTheUpgrade_theHandshakeHandlerRemovedItself_andTheFrameHandlersAreInPlace() {
        RecordingListener listener = new RecordingListener();
        ServerConfig config = ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.builder()
                .pingInterval(Duration.ofSeconds(20)).pingTimeout(Duration.ofSeconds(10)).build())
                .endpoint(Endpoint.of("/echo", listener)).build();
        ConnectionRegistry registry = new ConnectionRegistry();
        EmbeddedChannel channel = new EmbeddedChannel(new ServerChannelInitializer(config, registry, Map.of(), null));
        channel.freezeTime();
        assertThat(channel.pipeline().names()).startsWith("flush-consolidation", "http", "http-aggregator",
                ServerHandshakeHandler.NAME);

        channel.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));

        ByteBuf response = channel.readOutbound();
        try {
            // RFC 6455 section 1.3's example key and its accept value.
            assertThat(response.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                    .containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n");
        } finally {
            response.release();
        }
        ChannelHandlerContext decoder = channel.pipeline().context(WebSocketFrameDecoder.class);
        assertThat(decoder).isNotNull();
        assertThat(channel.pipeline().names())
                .startsWith("flush-consolidation", FramePipeline.ENCODER_NAME, decoder.name(), HeartbeatHandler.NAME,
                        FramePipeline.UTF8_NAME, WebSocketConnectionHandler.NAME)
                .doesNotContain(ServerHandshakeHandler.NAME, "http", "http-aggregator");
        assertThat(listener.events).containsExactly("open");
        assertThat(registry.size()).isEqualTo(1);

        channel.close();
        assertThat(registry.size()).as("the close hook took the connection out").isZero();
        assertThat(channel.finishAndReleaseAll()).as("left in the channel").isFalse();
    }

    @Test
    void withPermessageDeflate_theChecksAndZlibSitBetweenTheDecoderAndTheHeartbeat_encoderStillNearestTheSocket() {
        RecordingListener listener = new RecordingListener();
        ServerConfig config = ServerConfig.builder().port(0).compression(CompressionConfig.ENABLED)
                .endpoint(Endpoint.of("/echo", listener)).build();
        EmbeddedChannel channel = new EmbeddedChannel(new ServerChannelInitializer(config, new ConnectionRegistry(),
                Map.of(), null));
        channel.freezeTime();
        channel.writeInbound(Unpooled.copiedBuffer(UPGRADE.replace("\r\n\r\n",
                "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"),
                StandardCharsets.US_ASCII));
        ByteBuf response = channel.readOutbound();
        try {
            assertThat(response.toString(StandardCharsets.US_ASCII))
                    .containsIgnoringCase("sec-websocket-extensions: permessage-deflate\r\n");
        } finally {
            response.release();
        }
        ChannelHandlerContext decoder = channel.pipeline().context(WebSocketFrameDecoder.class);
        assertThat(decoder).isNotNull();
        assertThat(channel.pipeline().names()).startsWith("flush-consolidation", FramePipeline.ENCODER_NAME,
                decoder.name(), "tether-rsv-check", FramePipeline.INFLATER_NAME, FramePipeline.DEFLATER_NAME,
                "tether-inflated-limit", HeartbeatHandler.NAME, FramePipeline.UTF8_NAME, WebSocketConnectionHandler.NAME);
        channel.close();
        assertThat(channel.finishAndReleaseAll()).as("left in the channel").isFalse();
    }
}
