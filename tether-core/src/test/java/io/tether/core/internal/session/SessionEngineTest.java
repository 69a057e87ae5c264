package io.tether.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.BackpressureException;
import io.tether.core.InDoubtException;
import io.tether.core.NotDeliveredException;
import io.tether.core.ProtocolViolationException;
import io.tether.core.SessionExpiredException;
import io.tether.core.UnacknowledgedMessage;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.session.Delivery;
import io.tether.core.session.SessionConfig;
import io.tether.core.testing.FakeScheduler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SessionEngineTest {
    private final FakeScheduler scheduler = new FakeScheduler();
    private final List<String> received = new ArrayList<>();

    private SessionEngine engine(SessionConfig config) {
        return new SessionEngine(config, scheduler, new SessionEngine.Receiver() {
            @Override
            public void onText(String text) {
                received.add(text);
            }

            @Override
            public void onBinary(byte[] data) {
                received.add("binary:" + data.length);
            }
        });
    }

    private static byte[] data(long seq, long ack, String text) {
        return FrameCodec.encode(new Frame.Data(seq, ack, false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)))).array();
    }

    private static byte[] ack(long upTo) {
        return FrameCodec.encode(new Frame.Ack(upTo)).array();
    }

    @Test
    void send_completesOnlyWhenThePeerAcknowledges() {
        SessionEngine engine = engine(SessionConfig.DEFAULT);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        CompletableFuture<Void> f = engine.send(false, "hi".getBytes()).toCompletableFuture();
        assertThat(c.of(Frame.Data.class)).singleElement().satisfies(d -> assertThat(d.seq()).isEqualTo(1));
        assertThat(f).isNotDone();
        engine.onFrame(c, ack(1));
        assertThat(f).isCompleted();
    }

    @Test
    void acks_areBatched_byCountOrDelay() {
        SessionEngine engine = engine(SessionConfig.builder().ackEvery(3).ackDelay(Duration.ofMillis(20)).build());
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.onFrame(c, data(1, 0, "a"));
        engine.onFrame(c, data(2, 0, "b"));
        assertThat(c.of(Frame.Ack.class)).isEmpty();
        engine.onFrame(c, data(3, 0, "c"));
        assertThat(c.of(Frame.Ack.class)).extracting(Frame.Ack::ack).containsExactly(3L);
        engine.onFrame(c, data(4, 0, "d"));
        scheduler.advanceMillis(19);
        assertThat(c.of(Frame.Ack.class)).hasSize(1);
        scheduler.advanceMillis(1);
        assertThat(c.of(Frame.Ack.class)).extracting(Frame.Ack::ack).containsExactly(3L, 4L);
        assertThat(received).containsExactly("a", "b", "c", "d");
    }

    @Test
    void outgoingData_carriesTheAck_soNoSeparateAckIsNeeded() {
        SessionEngine engine = engine(SessionConfig.builder().ackEvery(100).build());
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.onFrame(c, data(1, 0, "a"));
        engine.send(false, "reply".getBytes());
        scheduler.advanceMillis(1000);
        assertThat(c.of(Frame.Data.class)).singleElement().satisfies(d -> assertThat(d.ack()).isEqualTo(1));
        assertThat(c.of(Frame.Ack.class)).isEmpty();
    }

    @Test
    void attach_replaysWhatThePeerHasNotReceived_inOrder() {
        SessionEngine engine = engine(SessionConfig.DEFAULT);
        CapturingConnection first = new CapturingConnection();
        engine.attach(first, 0);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (String s : new String[] {"m1", "m2", "m3", "m4"}) {
            futures.add(engine.send(false, s.getBytes()).toCompletableFuture());
        }
        engine.detach(first);
        futures.add(engine.send(false, "m5".getBytes()).toCompletableFuture());
        CapturingConnection second = new CapturingConnection();
        engine.attach(second, 2);
        assertThat(futures.subList(0, 2)).allMatch(CompletableFuture::isDone);
        assertThat(futures.subList(2, 5)).noneMatch(CompletableFuture::isDone);
        assertThat(second.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(3L, 4L, 5L);
        assertThat(engine.stats().replayed()).isEqualTo(3);
    }

    @Test
    void duplicatesAfterResume_areDropped() {
        SessionEngine engine = engine(SessionConfig.DEFAULT);
        CapturingConnection first = new CapturingConnection();
        engine.attach(first, 0);
        engine.onFrame(first, data(1, 0, "a"));
        engine.detach(first);
        CapturingConnection second = new CapturingConnection();
        engine.attach(second, 0);
        engine.onFrame(second, data(1, 0, "a"));
        engine.onFrame(second, data(2, 0, "b"));
        assertThat(received).containsExactly("a", "b");
        assertThat(engine.stats().duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void fullReplayBuffer_failsFast_byDefault() {
        SessionEngine engine = engine(SessionConfig.builder().replayMaxMessages(2).build());
        engine.attach(new CapturingConnection(), 0);
        engine.send(false, "a".getBytes());
        engine.send(false, "b".getBytes());
        CompletableFuture<Void> third = engine.send(false, "c".getBytes()).toCompletableFuture();
        assertThat(third).isCompletedExceptionally();
        assertThatThrownBy(third::join).hasCauseInstanceOf(BackpressureException.class)
                .hasMessageContaining("the peer is not acknowledging");
    }

    @Test
    void fullReplayBuffer_waits_whenConfigured_thenSendsOrFails() {
        SessionEngine engine = engine(SessionConfig.builder().replayMaxMessages(1)
                .whenFull(SessionConfig.WhenFull.WAIT).waitTimeout(Duration.ofMillis(100)).build());
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.send(false, "a".getBytes());
        CompletableFuture<Void> b = engine.send(false, "b".getBytes()).toCompletableFuture();
        assertThat(b).isNotDone();
        engine.onFrame(c, ack(1));
        assertThat(c.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(1L, 2L);
        CompletableFuture<Void> late = engine.send(false, "c".getBytes()).toCompletableFuture();
        scheduler.advanceMillis(100);
        assertThat(late).isCompletedExceptionally();
        assertThatThrownBy(late::join).hasCauseInstanceOf(BackpressureException.class).hasMessageContaining("100 ms");
    }

    @Test
    void reset_failsEveryUnacknowledgedSend_andListsThemInOrder() {
        SessionEngine engine = engine(SessionConfig.DEFAULT);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (String s : new String[] {"a", "b", "c"}) {
            futures.add(engine.send(false, s.getBytes()).toCompletableFuture());
        }
        engine.onFrame(c, ack(1));
        engine.detach(c);
        futures.add(engine.send(false, "d".getBytes()).toCompletableFuture());
        SessionExpiredException e = engine.reset("expired");
        assertThat(e.unacknowledged()).extracting(UnacknowledgedMessage::text).containsExactly("b", "c", "d");
        assertThat(e.unacknowledged()).extracting(UnacknowledgedMessage::written).containsExactly(true, true, false);
        assertThat(e.inDoubt()).extracting(UnacknowledgedMessage::text).containsExactly("b", "c");
        assertThat(futures.get(0)).isCompleted();
        assertThatThrownBy(() -> futures.get(1).join()).hasCauseInstanceOf(InDoubtException.class)
                .cause().satisfies(t -> assertThat(((InDoubtException) t).message().text()).isEqualTo("b"));
        assertThatThrownBy(() -> futures.get(3).join()).hasCauseInstanceOf(NotDeliveredException.class)
                .cause().satisfies(t -> assertThat(((NotDeliveredException) t).message().text()).isEqualTo("d"));
        assertThat(engine.send(false, "later".getBytes()).toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void handOver_carriesNeverWrittenMessages_andFailsInDoubtOnes_byDefault() {
        SessionEngine old = engine(SessionConfig.DEFAULT);
        CapturingConnection c = new CapturingConnection();
        old.attach(c, 0);
        CompletableFuture<Void> acked = old.send(false, "a".getBytes()).toCompletableFuture();
        CompletableFuture<Void> written = old.send(false, "b".getBytes()).toCompletableFuture();
        old.onFrame(c, ack(1));
        old.detach(c);
        CompletableFuture<Void> neverWritten = old.send(false, "c".getBytes()).toCompletableFuture();

        SessionEngine.Handover h = old.handOver("new session", SessionConfig.InDoubt.FAIL);

        assertThat(acked).isCompleted();
        assertThatThrownBy(written::join).hasCauseInstanceOf(InDoubtException.class);
        assertThat(neverWritten).isNotDone();
        assertThat(h.reason().unacknowledged()).extracting(UnacknowledgedMessage::fate)
                .containsExactly(UnacknowledgedMessage.Fate.FAILED, UnacknowledgedMessage.Fate.CARRIED_OVER);
        SessionEngine next = engine(SessionConfig.DEFAULT);
        CapturingConnection c2 = new CapturingConnection();
        next.attach(c2, 0);
        next.adopt(h.carried());
        CompletableFuture<Void> later = next.send(false, "d".getBytes()).toCompletableFuture();
        assertThat(c2.of(Frame.Data.class)).extracting(d -> d.seq() + ":" + d.possibleDuplicate())
                .containsExactly("1:false", "2:false");
        next.onFrame(c2, ack(2));
        assertThat(neverWritten).isCompleted();
        assertThat(later).isCompleted();
    }

    @Test
    void handOver_withResend_sendsInDoubtMessagesAgain_flaggedAsPossibleDuplicates() {
        SessionEngine old = engine(SessionConfig.DEFAULT);
        CapturingConnection c = new CapturingConnection();
        old.attach(c, 0);
        CompletableFuture<Void> written = old.send(false, "b".getBytes()).toCompletableFuture();
        old.detach(c);
        CompletableFuture<Void> neverWritten = old.send(false, "c".getBytes()).toCompletableFuture();

        SessionEngine.Handover h = old.handOver("new session", SessionConfig.InDoubt.RESEND);

        assertThat(h.reason().unacknowledged()).extracting(UnacknowledgedMessage::fate)
                .containsExactly(UnacknowledgedMessage.Fate.RESENT, UnacknowledgedMessage.Fate.CARRIED_OVER);
        SessionEngine next = engine(SessionConfig.DEFAULT);
        CapturingConnection c2 = new CapturingConnection();
        next.attach(c2, 0);
        next.adopt(h.carried());
        assertThat(c2.of(Frame.Data.class)).extracting(d -> d.seq() + ":" + d.possibleDuplicate())
                .containsExactly("1:true", "2:false");
        next.onFrame(c2, ack(2));
        assertThat(written).isCompleted();
        assertThat(neverWritten).isCompleted();
    }

    @Test
    void possibleDuplicateFlag_reachesTheReceiver() {
        List<Delivery> deliveries = new ArrayList<>();
        SessionEngine receiving = new SessionEngine(SessionConfig.DEFAULT, scheduler, new SessionEngine.Receiver() {
            @Override
            public void onText(String text) {
                throw new AssertionError("the three-argument form must be called");
            }

            @Override
            public void onBinary(byte[] data) {
                throw new AssertionError("the three-argument form must be called");
            }

            @Override
            public void onText(String text, Delivery delivery) {
                deliveries.add(delivery);
            }
        });
        CapturingConnection c = new CapturingConnection();
        receiving.attach(c, 0);
        receiving.onFrame(c, FrameCodec.encode(new Frame.Data(1, 0, false, true, ByteBuffer.wrap(new byte[] {'x'}))).array());
        receiving.onFrame(c, data(2, 0, "y"));
        assertThat(deliveries).containsExactly(new Delivery(1, true), new Delivery(2, false));
    }

    @Test
    void peerClaimingMoreThanWasSent_isAProtocolViolation() {
        SessionEngine engine = engine(SessionConfig.DEFAULT);
        engine.attach(new CapturingConnection(), 0);
        engine.send(false, "a".getBytes());
        assertThatThrownBy(() -> engine.attach(new CapturingConnection(), 5))
                .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("beyond the last message sent");
        CapturingConnection c = new CapturingConnection();
        SessionEngine other = engine(SessionConfig.DEFAULT);
        other.attach(c, 0);
        assertThatThrownBy(() -> other.onFrame(c, ack(3))).isInstanceOf(ProtocolViolationException.class);
        assertThatThrownBy(() -> other.onFrame(c, FrameCodec.encode(new Frame.Hello(1, 0, "", "")).array()))
                .hasMessageContaining("unexpected HELLO");
    }

    @Test
    void backgroundFrame_stretchesTheConnectionsLivenessDeadline() {
        SessionEngine engine = engine(SessionConfig.builder().backgroundGrace(Duration.ofMinutes(3)).build());
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.onFrame(c, FrameCodec.encode(new Frame.Background(true)).array());
        assertThat(c.grace).isEqualTo(Duration.ofMinutes(3));
        engine.onFrame(c, FrameCodec.encode(new Frame.Background(false)).array());
        assertThat(c.grace).isZero();
    }

    @Test
    void ping_isAnsweredWithPong() {
        SessionEngine engine = engine(SessionConfig.DEFAULT);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.onFrame(c, FrameCodec.encode(new Frame.Ping(77)).array());
        assertThat(c.of(Frame.Pong.class)).singleElement().isEqualTo(new Frame.Pong(77));
    }
}
