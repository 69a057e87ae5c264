package io.tether.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.protocol.ReplayBuffer;
import io.tether.core.session.Delivery;
import io.tether.core.session.SessionConfig;
import io.tether.core.testing.FakeScheduler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The engine with a journal (a server on a shared store), in virtual time, with journal writes the
 * test completes by hand: nothing reaches the peer before the store has it, nothing reaches the
 * application before the store knows it is being handed over, nothing is acknowledged before the
 * store knows it was handled, and what a dead node may have delivered comes again flagged.
 */
class SessionEngineJournalTest {
    private final FakeScheduler scheduler = new FakeScheduler();
    private final List<String> received = new ArrayList<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final ManualJournal journal = new ManualJournal();

    /** Journal writes wait until the test completes them, in order. */
    static final class ManualJournal implements SessionEngine.Journal {
        record Call(String what, long a, long b, List<ReplayBuffer.Entry> entries, CompletableFuture<Void> done) {
        }

        final ArrayDeque<Call> pending = new ArrayDeque<>();
        final List<String> log = new ArrayList<>();
        @Nullable Throwable failure;

        @Override
        public CompletionStage<Void> appended(List<ReplayBuffer.Entry> entries) {
            return call(new Call("append", entries.get(0).seq(), entries.get(entries.size() - 1).seq(), entries,
                    new CompletableFuture<>()));
        }

        @Override
        public CompletionStage<Void> acknowledged(long upTo) {
            return call(new Call("ack", upTo, 0, List.of(), new CompletableFuture<>()));
        }

        @Override
        public CompletionStage<Void> inbound(long delivering, long delivered) {
            return call(new Call("inbound", delivering, delivered, List.of(), new CompletableFuture<>()));
        }

        @Override
        public void failed(Throwable cause) {
            failure = cause;
        }

        private CompletionStage<Void> call(Call c) {
            pending.add(c);
            log.add(c.what() + " " + c.a() + (c.what().equals("ack") ? "" : "," + c.b()));
            return c.done();
        }

        /** Completes every pending write, and those they cause, until none is left. */
        void completeAll() {
            while (!pending.isEmpty()) {
                pending.poll().done().complete(null);
            }
        }
    }

    private SessionEngine engine(SessionEngine.@Nullable Restored from) {
        SessionEngine e = new SessionEngine(SessionConfig.DEFAULT, scheduler, new SessionEngine.Receiver() {
            @Override
            public void onText(String text) {
                received.add(text);
            }

            @Override
            public void onBinary(byte[] data) {
                received.add("binary:" + data.length);
            }

            @Override
            public void onText(String text, Delivery delivery) {
                received.add(text);
                deliveries.add(delivery);
            }
        });
        e.useJournal(journal, from);
        return e;
    }

    private static byte[] data(long seq, long ack, String text) {
        return FrameCodec.encode(new Frame.Data(seq, ack, false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)))).array();
    }

    private static byte[] ack(long upTo) {
        return FrameCodec.encode(new Frame.Ack(upTo)).array();
    }

    @Test
    void aSend_reachesThePeer_onlyOnceStored_andItsStageCompletesThen() {
        SessionEngine engine = engine(null);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        CompletableFuture<Void> first = engine.send(false, "a".getBytes()).toCompletableFuture();
        CompletableFuture<Void> second = engine.send(false, "b".getBytes()).toCompletableFuture();
        assertThat(c.of(Frame.Data.class)).as("not stored yet").isEmpty();
        assertThat(journal.log).as("one write in flight; the second waits to batch").containsExactly("append 1,1");
        journal.pending.poll().done().complete(null);
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        assertThat(c.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(1L);
        assertThat(journal.log).containsExactly("append 1,1", "append 2,2");
        journal.completeAll();
        assertThat(c.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(1L, 2L);
        engine.onFrame(c, ack(2));
        assertThat(journal.log).last().isEqualTo("ack 2");
    }

    @Test
    void sendsUnderLoad_areStoredInBatches() {
        SessionEngine engine = engine(null);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        for (int i = 0; i < 10; i++) {
            engine.send(false, ("m" + i).getBytes());
        }
        journal.completeAll();
        assertThat(journal.log).containsExactly("append 1,1", "append 2,10");
        assertThat(c.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void aResume_replaysOnlyStoredMessages_theRestFollowWhenStored() {
        SessionEngine engine = engine(null);
        CapturingConnection first = new CapturingConnection();
        engine.attach(first, 0);
        engine.send(false, "a".getBytes());
        journal.completeAll();
        engine.send(false, "b".getBytes()); // its write is in flight when the connection changes
        engine.detach(first);
        CapturingConnection second = new CapturingConnection();
        engine.attach(second, 0);
        assertThat(second.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(1L);
        journal.completeAll();
        assertThat(second.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(1L, 2L);
    }

    @Test
    void aReceivedMessage_isDeliveredOnlyOnceRecordedAsDelivering_andAckedOnlyOnceRecordedAsHandled() {
        SessionEngine engine = engine(null);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.onFrame(c, data(1, 0, "x"));
        assertThat(received).isEmpty();
        assertThat(journal.log).containsExactly("inbound 1,0");
        journal.pending.poll().done().complete(null);
        assertThat(received).containsExactly("x");
        assertThat(journal.log).as("then: handled up to 1").containsExactly("inbound 1,0", "inbound 1,1");
        scheduler.advanceMillis(1000);
        assertThat(c.of(Frame.Ack.class)).as("no ack before the store knows it was handled").isEmpty();
        assertThat(engine.lastReceived()).as("nor in a WELCOME").isZero();
        journal.completeAll();
        scheduler.advanceMillis(1000);
        assertThat(c.of(Frame.Ack.class)).extracting(Frame.Ack::ack).containsExactly(1L);
        assertThat(engine.lastReceived()).isEqualTo(1);
    }

    /** An engine on the journal whose listener runs {@code onText} with the engine at hand. */
    private SessionEngine engineCalling(java.util.function.BiConsumer<SessionEngine, String> onText) {
        java.util.concurrent.atomic.AtomicReference<SessionEngine> self = new java.util.concurrent.atomic.AtomicReference<>();
        SessionEngine engine = new SessionEngine(SessionConfig.DEFAULT, scheduler, new SessionEngine.Receiver() {
            @Override
            public void onText(String text) {
                onText.accept(self.get(), text);
            }

            @Override
            public void onBinary(byte[] data) {
            }
        });
        engine.useJournal(journal, null);
        self.set(engine);
        return engine;
    }

    @Test
    void aMessageCountsAsHandled_onlyOnceTheRepliesItsListenerSent_areStored() {
        // An echo, sent in the listener.
        SessionEngine engine = engineCalling((e, text) -> e.send(false, ("echo " + text).getBytes(StandardCharsets.UTF_8)));
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.onFrame(c, data(1, 0, "a"));
        journal.pending.poll().done().complete(null); // "inbound 1,0": delivering recorded, handed over
        assertThat(journal.log).containsExactly("inbound 1,0", "append 1,1");
        engine.onFrame(c, data(2, 0, "b")); // delivered meanwhile; its echo waits to batch
        journal.pending.poll().done().complete(null); // "inbound 2,0"
        assertThat(journal.log).as("neither counts as handled while its echo is not stored")
                .containsExactly("inbound 1,0", "append 1,1", "inbound 2,0");
        journal.pending.poll().done().complete(null); // "append 1,1" stored: a is handled, b's echo goes out
        assertThat(journal.log).containsExactly("inbound 1,0", "append 1,1", "inbound 2,0", "append 2,2", "inbound 2,1");
        journal.completeAll();
        assertThat(journal.log).last().isEqualTo("inbound 2,2");
    }

    @Test
    void aMessageWhoseListenerHoldsItsHandling_countsAsHandledOnlyWhenThatWorkIsDone() {
        CompletableFuture<Void> work = new CompletableFuture<>();
        SessionEngine engine = engineCalling((e, text) -> e.holdHandled(work)); // handled later, asynchronously
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.onFrame(c, data(1, 0, "a"));
        journal.completeAll();
        assertThat(journal.log).as("delivered, not yet handled").containsExactly("inbound 1,0");
        work.complete(null);
        journal.completeAll();
        assertThat(journal.log).containsExactly("inbound 1,0", "inbound 1,1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.holdHandled(work))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("being delivered");
    }

    @Test
    void aBurstOfReceivedMessages_isRecordedInFewWrites_andDeliveredInOrder() {
        SessionEngine engine = engine(null);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        for (int i = 1; i <= 5; i++) {
            engine.onFrame(c, data(i, 0, "m" + i));
        }
        journal.completeAll();
        assertThat(received).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(journal.log).containsExactly("inbound 1,0", "inbound 5,1", "inbound 5,5");
        assertThat(engine.unrecorded()).isZero();
    }

    @Test
    void takenOverFromTheStore_continuesItsNumbering_replaysTheStored_andFlagsWhatADeadNodeMayHaveDelivered() {
        List<ReplayBuffer.Entry> stored = List.of(
                new ReplayBuffer.Entry(3, false, false, "s3".getBytes(), new CompletableFuture<>()),
                new ReplayBuffer.Entry(4, false, false, "s4".getBytes(), new CompletableFuture<>()));
        // The dead node: sent 1..4, the client acked 2; it handed the client's 1..7 over, knew 1..5 handled.
        SessionEngine engine = engine(new SessionEngine.Restored(2, 4, stored, 7, 5));
        assertThat(engine.lastReceived()).as("the WELCOME says 5: the client resends 6, 7, ...").isEqualTo(5);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 2);
        assertThat(c.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(3L, 4L);
        engine.onFrame(c, data(6, 4, "c6"));
        engine.onFrame(c, data(7, 4, "c7"));
        engine.onFrame(c, data(8, 4, "c8"));
        journal.completeAll();
        assertThat(received).containsExactly("c6", "c7", "c8");
        assertThat(deliveries).extracting(d -> d.seq() + ":" + d.possibleDuplicate())
                .containsExactly("6:true", "7:true", "8:false");
        assertThat(engine.redelivered()).isEqualTo(2);
        engine.send(false, "s5".getBytes());
        journal.completeAll();
        assertThat(c.of(Frame.Data.class)).extracting(Frame.Data::seq).containsExactly(3L, 4L, 5L);
    }

    @Test
    void anAppendThatMayHaveBeenStored_isInDoubt_notNeverSent() {
        SessionEngine engine = engine(null);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        CompletableFuture<Void> f = engine.send(false, "timed out".getBytes()).toCompletableFuture();
        journal.pending.poll().done().completeExceptionally(new IllegalStateException("store timeout"));
        io.tether.core.SessionExpiredException end = engine.reset("the store failed");
        assertThat(end.unacknowledged()).singleElement().satisfies(m -> assertThat(m.written()).isTrue());
        assertThat(f).isCompletedExceptionally();
        assertThat(f.handle((v, e) -> e).join()).isInstanceOf(io.tether.core.InDoubtException.class);
    }

    @Test
    void peerAcksBeyondWhatWasStored_areAProtocolViolation() {
        SessionEngine engine = engine(null);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.send(false, "not stored yet".getBytes());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.onFrame(c, ack(1)))
                .isInstanceOf(io.tether.core.ProtocolViolationException.class).hasMessageContaining("beyond");
    }

    @Test
    void aFailedJournalWrite_isReported_andNothingMoreIsWritten() {
        SessionEngine engine = engine(null);
        CapturingConnection c = new CapturingConnection();
        engine.attach(c, 0);
        engine.send(false, "a".getBytes());
        IllegalStateException boom = new IllegalStateException("session moved");
        journal.pending.poll().done().completeExceptionally(boom);
        assertThat(journal.failure).isSameAs(boom);
        assertThat(c.of(Frame.Data.class)).isEmpty();
    }
}
