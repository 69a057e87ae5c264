package io.tether.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.tether.core.EncodedText;
import io.tether.core.HandshakeRequest;
import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.transport.Utf8Text;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A text sent as an {@link EncodedText} leaves every connection as a frame over the bytes it
 * already has: a broadcast to N connections encodes once and copies nothing per connection in the
 * heap (the transport's write to the socket is the only copy).
 */
class EncodedTextSendTest {
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void release() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private WebSocketConnectionHandler connection() {
        ConnectionSettings settings = new ConnectionSettings(false, 1 << 16, Duration.ofSeconds(5),
                HeartbeatConfig.DISABLED, new SplittableRandom(1));
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        WebSocketConnectionHandler handler = new WebSocketConnectionHandler(channel, settings, new WebSocketListener() { },
                HandshakeRequest.builder().path("/echo").build(), Map.of());
        channel.pipeline().addLast(WebSocketConnectionHandler.NAME, handler);
        handler.fireOpen();
        return handler;
    }

    @Test
    void everyConnectionsFrameWrapsTheOneEncodedArray() {
        EncodedText text = EncodedText.of("grüße, 世界");
        byte[] shared = Utf8Text.bytesOf(text);
        for (int i = 0; i < 3; i++) {
            WebSocketConnectionHandler c = connection();
            assertThat(c.sendText(text).toCompletableFuture()).isCompleted();
            TextWebSocketFrame frame = channels.get(i).readOutbound();
            try {
                ByteBuf content = frame.content();
                assertThat(content.hasArray()).isTrue();
                assertThat(content.array()).isSameAs(shared);
                assertThat(frame.text()).isEqualTo("grüße, 世界");
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void aPlainTextIsEncodedForItsFrame() {
        WebSocketConnectionHandler c = connection();
        c.sendText(new StringBuilder("plain é"));
        TextWebSocketFrame frame = channels.get(0).readOutbound();
        try {
            assertThat(frame.content().toString(StandardCharsets.UTF_8)).isEqualTo("plain é");
        } finally {
            frame.release();
        }
    }
}
