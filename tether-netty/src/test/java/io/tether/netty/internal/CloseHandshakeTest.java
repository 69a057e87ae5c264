package io.tether.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.tether.core.ConnectionClosedException;
import io.tether.core.HandshakeRequest;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.testkit.RecordingListener;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The closing handshake (RFC 6455 section 7) of {@link WebSocketConnectionHandler}, frame by frame
 * in an {@link EmbeddedChannel} with frozen time: who answers, who closes TCP, and when the close
 * timeout gives up on a silent peer.
 */
class CloseHandshakeTest {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final RecordingListener listener = new RecordingListener();
    private EmbeddedChannel channel;
    private WebSocketConnectionHandler connection;

    private void open(boolean client) {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        ConnectionSettings settings = new ConnectionSettings(client, 1 << 16, CLOSE_TIMEOUT, HeartbeatConfig.DISABLED,
                new SplittableRandom(1));
        connection = new WebSocketConnectionHandler(channel, settings, listener, HandshakeRequest.builder().path("/").build(), Map.of());
        channel.pipeline().addLast(WebSocketConnectionHandler.NAME, connection);
        connection.fireOpen();
    }

    @AfterEach
    void nothingLeftInTheChannel() {
        assertThat(channel.finishAndReleaseAll()).as("frames left unread in the channel").isFalse();
    }

    private void advance(Duration d) {
        channel.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    private CloseWebSocketFrame readClose() {
        Object out = channel.readOutbound();
        assertThat(out).isInstanceOf(CloseWebSocketFrame.class);
        return (CloseWebSocketFrame) out;
    }

    private static void assertClose(CloseWebSocketFrame frame, int code, String reason) {
        try {
            assertThat(frame.statusCode()).isEqualTo(code);
            assertThat(frame.reasonText()).isEqualTo(reason);
        } finally {
            frame.release();
        }
    }

    @Test
    void server_peerSendsClose_weAnswerWithTheSameCode_andCloseTheChannel() throws Exception {
        open(false);
        channel.writeInbound(new CloseWebSocketFrame(4001, "bye"));
        assertClose(readClose(), 4001, "");
        assertThat(channel.isOpen()).as("the server closes TCP once its answer is written").isFalse();
        RecordingListener.Terminal end = listener.terminal.getNow(null);
        assertThat(end).isNotNull();
        assertThat(end.code()).isEqualTo(4001);
        assertThat(end.reason()).isEqualTo("bye");
        assertThat(end.cause()).isNull();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void peerSendsEmptyClose_isAnsweredWithAnEmptyClose_andReportedAs1005() {
        open(false);
        channel.writeInbound(new CloseWebSocketFrame());
        CloseWebSocketFrame answer = readClose();
        try {
            assertThat(answer.content().readableBytes()).isZero();
        } finally {
            answer.release();
        }
        assertThat(channel.isOpen()).isFalse();
        assertThat(listener.terminal.getNow(null).code()).isEqualTo(1005);
    }

    @Test
    void client_peerSendsClose_weAnswer_thenLeaveTheTcpCloseToTheServer_untilTheCloseTimeout() {
        open(true);
        channel.writeInbound(new CloseWebSocketFrame(1001, "going away"));
        assertClose(readClose(), 1001, "");
        advance(CLOSE_TIMEOUT.minusMillis(1));
        assertThat(channel.isOpen()).as("the client waits for the server to close TCP").isTrue();
        assertThat(listener.terminal).isNotDone();
        advance(Duration.ofMillis(1));
        assertThat(channel.isOpen()).isFalse();
        RecordingListener.Terminal end = listener.terminal.getNow(null);
        assertThat(end.code()).isEqualTo(1001);
        assertThat(end.reason()).isEqualTo("going away");
        assertThat(end.cause()).as("a clean close: both Close frames were exchanged").isNull();
    }

    @Test
    void weInitiate_waitForThePeersClose_thenCloseTheChannel() {
        open(false);
        CompletableFuture<Void> closed = connection.close(4000, "done").toCompletableFuture();
        channel.runPendingTasks();
        assertClose(readClose(), 4000, "done");
        assertThat(channel.isOpen()).as("waiting for the peer's Close").isTrue();
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.sendText("after close").toCompletableFuture()).isCompletedExceptionally();
        assertThat((Object) channel.readOutbound()).as("no data frame after our Close").isNull();

        // Data the peer sent before it saw our Close still arrives.
        channel.writeInbound(new TextWebSocketFrame("in flight"));
        assertThat(listener.messages).containsExactly("in flight");

        channel.writeInbound(new CloseWebSocketFrame(4000, ""));
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed).isCompleted();
        RecordingListener.Terminal end = listener.terminal.getNow(null);
        assertThat(end.code()).isEqualTo(4000);
        assertThat(end.reason()).isEqualTo("done");
        assertThat(end.cause()).isNull();
    }

    @Test
    void weInitiate_peerNeverAnswers_theCloseTimeoutClosesTheChannel_andReports1006() {
        open(false);
        connection.close(1000, "").toCompletableFuture();
        channel.runPendingTasks();
        assertClose(readClose(), 1000, "");
        advance(CLOSE_TIMEOUT.minusMillis(1));
        assertThat(channel.isOpen()).isTrue();
        advance(Duration.ofMillis(1));
        assertThat(channel.isOpen()).isFalse();
        // Not a clean close: our Close went unanswered, and the reason says so (it read "connection
        // lost without a close frame" before the fix: the state was overwritten before it was read).
        assertThat(listener.terminal.getNow(null).cause()).isInstanceOfSatisfying(ConnectionClosedException.class, e -> {
            assertThat(e.code()).isEqualTo(1006);
            assertThat(e.reason()).isEqualTo("the peer did not answer our Close frame");
        });
    }

    @Test
    void closingTwice_sendsOneCloseFrame_andReturnsTheSameOutcome() {
        open(false);
        CompletableFuture<Void> first = connection.close(1000, "").toCompletableFuture();
        CompletableFuture<Void> second = connection.close(4000, "other").toCompletableFuture();
        channel.runPendingTasks();
        assertClose(readClose(), 1000, "");
        assertThat((Object) channel.readOutbound()).as("one Close frame only").isNull();
        channel.writeInbound(new CloseWebSocketFrame(1000, ""));
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();
        assertThat(listener.events).containsExactly("open", "closed 1000");
    }
}
