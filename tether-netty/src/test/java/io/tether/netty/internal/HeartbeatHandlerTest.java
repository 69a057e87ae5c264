package io.tether.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.tether.core.HandshakeRequest;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.heartbeat.HeartbeatTimeoutException;
import io.tether.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Netty heartbeat handler in frozen time: EmbeddedChannel's ticker drives clock and timers.
 * Timers are rounded up to a tick of interval / 20 (10 ms here) so many connections share a
 * wake-up, so each expectation allows one tick; the exact rules are tested in LivenessTrackerTest.
 */
class HeartbeatHandlerTest {
    private static final HeartbeatConfig CONFIG = HeartbeatConfig.builder()
            .pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(400)).pingJitter(0).build();

    private final List<Throwable> errors = new ArrayList<>();
    private EmbeddedChannel channel;
    private HeartbeatHandler heartbeat;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        heartbeat = new HeartbeatHandler(CONFIG, new Random(1));
        channel.pipeline().addLast(HeartbeatHandler.NAME, heartbeat).addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
    }

    @AfterEach
    void tearDown() {
        assertThat(channel.finishAndReleaseAll()).as("frames left unread in the channel").isFalse();
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private static final long TICK = 10;

    @Test
    void pingIsSentAfterTheInterval_carryingItsSendTime() {
        advance(199);
        assertThat((Object) channel.readOutbound()).isNull();
        advance(1 + TICK);
        PingWebSocketFrame ping = channel.readOutbound();
        assertThat(ping).isNotNull();
        assertThat(ping.content().readableBytes()).isEqualTo(8);
        ping.release();
    }

    @Test
    void silentPeer_isDeclaredDeadAtTheBound_withinATick_andTheChannelCloses() {
        advance(200 + TICK);
        ((PingWebSocketFrame) channel.readOutbound()).release();
        advance(599 - 200 - TICK);
        assertThat(channel.isActive()).isTrue();
        assertThat(errors).isEmpty();
        advance(1 + TICK);
        assertThat(channel.isActive()).isFalse();
        assertThat(errors).singleElement().isInstanceOfSatisfying(HeartbeatTimeoutException.class, e -> {
            assertThat(e.silence()).isBetween(Duration.ofMillis(600), Duration.ofMillis(600 + TICK));
            assertThat(e.pingsSent()).isEqualTo(1);
        });
    }

    @Test
    void inboundFrames_postponePings_andAreForwarded() {
        advance(150);
        channel.writeInbound(new TextWebSocketFrame("alive"));
        TextWebSocketFrame forwarded = channel.readInbound();
        assertThat(forwarded.text()).isEqualTo("alive");
        forwarded.release();
        advance(199);
        assertThat((Object) channel.readOutbound()).isNull();
        advance(1 + TICK);
        PingWebSocketFrame ping = channel.readOutbound();
        assertThat(ping).isNotNull();
        ping.release();
    }

    @Test
    void pong_isConsumed_andMeasuresTheRoundTrip() {
        advance(200 + TICK);
        PingWebSocketFrame ping = channel.readOutbound();
        long stamp = ping.content().getLong(0);
        ping.release();
        advance(7);
        channel.writeInbound(new PongWebSocketFrame(Unpooled.buffer(8).writeLong(stamp)));
        assertThat((Object) channel.readInbound()).as("pong is not forwarded").isNull();
        assertThat(heartbeat.roundTripTime()).get().satisfies(rtt -> {
            assertThat(rtt.last()).isEqualTo(Duration.ofMillis(7));
            assertThat(rtt.smoothed()).isEqualTo(Duration.ofMillis(7));
        });
        // The pong counted as life: the deadline moved 600 ms past it.
        advance(590);
        assertThat(channel.isActive()).isTrue();
        assertThat(heartbeat.pingsSent()).isEqualTo(2);
        PingWebSocketFrame second = channel.readOutbound();
        assertThat(second).as("the second ping, after the pong's silence").isNotNull();
        second.release();
    }

    @Test
    void silentPeer_reachesTheListenerAsOnFailure_withHeartbeatTimeoutException_atTheBound() {
        // The full reaction, as installed by FramePipeline: heartbeat detects, connection reports.
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        RecordingListener listener = new RecordingListener();
        HeartbeatHandler detector = new HeartbeatHandler(CONFIG, new Random(1));
        WebSocketConnectionHandler connection = new WebSocketConnectionHandler(ch,
                new ConnectionSettings(false, 1 << 16, Duration.ofSeconds(5), CONFIG, new Random(1)), listener, HandshakeRequest.builder().path("/").build(), Map.of());
        connection.attachHeartbeat(detector);
        ch.pipeline().addLast(HeartbeatHandler.NAME, detector).addLast(WebSocketConnectionHandler.NAME, connection);
        connection.fireOpen();
        try {
            for (long t = 0; t < 599; t++) {
                ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
                ch.runScheduledPendingTasks();
            }
            assertThat(listener.terminal).as("still alive 1 ms before the bound").isNotDone();
            ch.advanceTimeBy(1 + TICK, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertThat(ch.isOpen()).isFalse();
            assertThat(listener.events).containsExactly("open", "failure HeartbeatTimeoutException");
            assertThat(listener.terminal.getNow(null).cause()).isInstanceOfSatisfying(HeartbeatTimeoutException.class,
                    e -> assertThat(e.silence()).isBetween(Duration.ofMillis(600), Duration.ofMillis(600 + TICK)));
            PingWebSocketFrame ping = ch.readOutbound();
            assertThat(ping).as("the one ping sent into the silence").isNotNull();
            ping.release();
        } finally {
            assertThat(ch.finishAndReleaseAll()).as("frames left unread").isFalse();
        }
    }

    @Test
    void removingTheHandler_cancelsItsTimer() {
        channel.pipeline().remove(HeartbeatHandler.NAME);
        advance(10_000);
        assertThat(channel.isActive()).isTrue();
        assertThat((Object) channel.readOutbound()).isNull();
    }
}
