package io.tether.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.InDoubtException;
import io.tether.core.NotDeliveredException;
import io.tether.core.SessionExpiredException;
import io.tether.core.UnacknowledgedMessage;
import io.tether.core.UnacknowledgedMessageException;
import io.tether.core.WebSocketConnection;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.session.SessionConfig;
import io.tether.core.testing.FakeScheduler;
import io.tether.core.testing.StubConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * Two real {@link SessionEngine}s, one per side, over a lossy link in virtual time.
 *
 * <p>The link delivers frames in order while it is up; a drop loses everything in flight. A drop is
 * either seen by both sides at once, or only by the client (half-open: the server keeps writing into
 * the dead connection until it notices, or until the client's HELLO arrives on a new one). A
 * reconnect is a new pair of connection objects carrying a real HELLO (the client's
 * {@code lastReceived()}) and WELCOME (the server's), after which each side calls
 * {@code attach(connection, peer's lastReceived)} exactly as {@code ClientSession} and
 * {@code ServerSession} do: the server answers WELCOME and attaches when the HELLO arrives, the
 * client attaches when the WELCOME arrives; a drop may fall between the two. Acks go out by count,
 * by the ack timer (driven by {@link FakeScheduler}) and piggybacked on data.
 *
 * <p>Checked after every step: what each side delivered is a prefix of what the other sent (in
 * order, no duplicate, no gap), a send's stage completes only once the peer has delivered it, and no
 * stage fails. At the end, with the link left up until it is quiet: everything was delivered, and
 * every stage completed.
 */
class ExactlyOnceProperties {

    enum Op { SEND_CLIENT, SEND_SERVER, TO_SERVER, TO_CLIENT, TICK, DROP, DROP_HALF_OPEN, SERVER_NOTICES, RECONNECT }

    /** One step: {@code n} is how many frames a delivery moves, or how many 5 ms a tick advances. */
    record Step(Op op, int n, boolean binary) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Op> ops = Arbitraries.frequency(
                Tuple.of(6, Op.SEND_CLIENT), Tuple.of(6, Op.SEND_SERVER),
                Tuple.of(6, Op.TO_SERVER), Tuple.of(6, Op.TO_CLIENT),
                Tuple.of(3, Op.TICK), Tuple.of(1, Op.DROP),
                Tuple.of(1, Op.DROP_HALF_OPEN), Tuple.of(1, Op.SERVER_NOTICES),
                Tuple.of(2, Op.RECONNECT));
        Arbitrary<Step> steps = Combinators.combine(ops, Arbitraries.integers().between(1, 5), Arbitraries.of(true, false))
                .as(Step::new);
        return steps.list().ofMinSize(1).ofMaxSize(250).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 1000)
    void bothDirections_exactlyOnce_inOrder_andEveryStageCompletes(@ForAll("histories") List<Step> history,
            @ForAll @IntRange(min = 1, max = 8) int ackEvery, @ForAll @IntRange(min = 1, max = 40) int ackDelayMs) {
        World w = new World(ackEvery, ackDelayMs);
        for (Step step : history) {
            w.run(step);
            w.assertInvariants();
        }
        w.reconnectAndSettle();

        assertThat(w.server.delivered).containsExactlyElementsOf(w.client.sent);
        assertThat(w.client.delivered).containsExactlyElementsOf(w.server.sent);
        assertThat(w.client.stages).allSatisfy(s -> assertThat(s).isCompleted());
        assertThat(w.server.stages).allSatisfy(s -> assertThat(s).isCompleted());
        assertThat(w.client.engine.stats().acknowledged()).isEqualTo(w.client.sent.size());
        assertThat(w.server.engine.stats().acknowledged()).isEqualTo(w.server.sent.size());

        Statistics.label("resumes").collect(w.resumes == 0 ? "none" : w.resumes < 5 ? "1-4" : "5+");
        Statistics.label("replayed after a resume").collect(w.replayedOnResume > 0);
        Statistics.label("WELCOME lost after the server attached").collect(w.lostWelcomes > 0);
        Statistics.label("half-open server connection replaced by a HELLO").collect(w.halfOpenReplaced > 0);
        Statistics.label("replayed after a resume").coverage(k -> k.check(true).percentage(p -> p > 30));
        Statistics.label("WELCOME lost after the server attached").coverage(k -> k.check(true).percentage(p -> p > 5));
        Statistics.label("half-open server connection replaced by a HELLO")
                .coverage(k -> k.check(true).percentage(p -> p > 5));
    }

    /**
     * Ending a session (what the client does when the server did not resume, and the server when the
     * time-to-live runs out) fails exactly the sends the peer never acknowledged, each with its own
     * message, and lists them in order; acknowledged sends stay completed. Nothing the peer has not
     * delivered is left out of the list.
     */
    @Property(tries = 500)
    void reset_failsExactlyTheUnacknowledgedSends(@ForAll("histories") List<Step> history, @ForAll boolean resetClient,
            @ForAll @IntRange(min = 1, max = 8) int ackEvery) {
        World w = new World(ackEvery, 20);
        for (Step step : history) {
            w.run(step);
        }
        Side side = resetClient ? w.client : w.server;
        Side peer = resetClient ? w.server : w.client;
        int acked = (int) side.engine.stats().acknowledged();
        int sent = side.sent.size();
        assertThat(acked).as("acknowledged messages were delivered").isLessThanOrEqualTo(peer.delivered.size());

        SessionExpiredException end = side.engine.reset("test reset");

        assertThat(end.unacknowledged()).extracting(UnacknowledgedMessage::seq)
                .containsExactlyElementsOf(seqs(acked + 1, sent));
        assertThat(end.unacknowledged()).extracting(UnacknowledgedMessage::text)
                .containsExactlyElementsOf(side.sent.subList(acked, sent));
        for (UnacknowledgedMessage m : end.unacknowledged()) {
            // The safety half of the in-doubt split: a message the peer has is never reported as
            // "not delivered"; it can only be in doubt.
            if (m.seq() <= peer.delivered.size()) {
                assertThat(m.written()).as("message %d reached the peer, so it must be in doubt", m.seq()).isTrue();
            }
            assertThat(m.fate()).isEqualTo(UnacknowledgedMessage.Fate.FAILED);
        }
        for (int i = 0; i < sent; i++) {
            CompletableFuture<Void> stage = side.stages.get(i);
            if (i < acked) {
                assertThat(stage).as("acknowledged send %d", i + 1).isCompleted();
            } else {
                long seq = i + 1;
                String text = side.sent.get(i);
                UnacknowledgedMessage listed = end.unacknowledged().get(i - acked);
                assertThat(stage).as("unacknowledged send %d", seq).isCompletedExceptionally();
                Throwable failure = stage.handle((v, e) -> e).join();
                assertThat(failure).isInstanceOf(listed.written() ? InDoubtException.class : NotDeliveredException.class);
                UnacknowledgedMessage carried = ((UnacknowledgedMessageException) failure).message();
                assertThat(carried.seq()).isEqualTo(seq);
                assertThat(carried.text()).isEqualTo(text);
                assertThat(failure.getCause()).isSameAs(end);
            }
        }
        Statistics.label("in doubt at reset").collect(end.inDoubt().size() > 0);
        Statistics.label("never written at reset").collect(end.unacknowledged().size() > end.inDoubt().size());
        Statistics.label("unacknowledged at reset").collect(sent - acked > 0);
        Statistics.label("unacknowledged at reset").coverage(k -> k.check(true).percentage(p -> p > 50));
    }

    private static List<Long> seqs(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }

    /** One side: its engine, what it sent (with the stages) and what its application received. */
    static final class Side {
        final String name;
        final SessionEngine engine;
        final List<String> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> stages = new ArrayList<>();
        final List<String> delivered = new ArrayList<>();

        Side(String name, SessionConfig config, FakeScheduler scheduler) {
            this.name = name;
            this.engine = new SessionEngine(config, scheduler, new SessionEngine.Receiver() {
                @Override
                public void onText(String text) {
                    delivered.add(text);
                }

                @Override
                public void onBinary(byte[] data) {
                    delivered.add(new String(data, StandardCharsets.UTF_8));
                }
            });
        }

        void send(boolean binary) {
            String text = name + sent.size();
            sent.add(text);
            stages.add(engine.send(binary, text.getBytes(StandardCharsets.UTF_8)).toCompletableFuture());
        }
    }

    /** One connection of the pair, at one end: writes go into the queue towards the other end. */
    static final class LinkEnd extends StubConnection {
        final ArrayDeque<byte[]> towardsPeer;
        boolean handshakeDone;

        LinkEnd(ArrayDeque<byte[]> towardsPeer) {
            super("link", Frame.SUBPROTOCOL);
            this.towardsPeer = towardsPeer;
        }

        @Override
        public CompletionStage<Void> sendBinary(byte[] data) {
            if (open) {
                towardsPeer.add(data.clone());
            }
            return CompletableFuture.completedFuture(null);
        }

        void die() {
            open = false;
        }
    }

    /** The connection pair of one reconnect. */
    static final class Link {
        final ArrayDeque<byte[]> toServer = new ArrayDeque<>();
        final ArrayDeque<byte[]> toClient = new ArrayDeque<>();
        final LinkEnd atClient = new LinkEnd(toServer);
        final LinkEnd atServer = new LinkEnd(toClient);

        void die() {
            atClient.die();
            atServer.die();
            toServer.clear();
            toClient.clear();
        }
    }

    static final class World {
        final FakeScheduler clock = new FakeScheduler();
        final long ackDelayMs;
        final Side client;
        final Side server;
        /** The link the client is on, null while it is disconnected. */
        @Nullable Link link;
        /** The connection the server engine is attached to (possibly one the client already left). */
        @Nullable LinkEnd serverAttached;
        int resumes;
        /** Messages either side sent again on a connection after the first. */
        long replayedOnResume;
        int lostWelcomes;
        int halfOpenReplaced;

        World(int ackEvery, long ackDelayMs) {
            this.ackDelayMs = ackDelayMs;
            SessionConfig config = SessionConfig.builder().ackEvery(ackEvery).ackDelay(Duration.ofMillis(ackDelayMs))
                    .replayMaxMessages(100_000).replayMaxBytes(Long.MAX_VALUE).build();
            client = new Side("c", config, clock);
            server = new Side("s", config, clock);
            connect();
        }

        void run(Step step) {
            switch (step.op()) {
                case SEND_CLIENT -> client.send(step.binary());
                case SEND_SERVER -> server.send(step.binary());
                case TO_SERVER -> deliverToServer(step.n());
                case TO_CLIENT -> deliverToClient(step.n());
                case TICK -> clock.advanceMillis(5L * step.n());
                case DROP -> drop(true);
                case DROP_HALF_OPEN -> drop(false);
                case SERVER_NOTICES -> serverNotices();
                case RECONNECT -> {
                    if (link == null) {
                        connect();
                    }
                }
            }
        }

        /** A new connection: the client's first frame is HELLO with what it has received. */
        void connect() {
            link = new Link();
            link.atClient.sendBinary(FrameCodec.encode(new Frame.Hello(Frame.VERSION, client.engine.lastReceived(),
                    "session", "token")).array());
        }

        void drop(boolean serverNotices) {
            Link l = link;
            if (l == null) {
                return;
            }
            if (serverAttached == l.atServer && !l.atClient.handshakeDone) {
                lostWelcomes++;
            }
            l.die();
            client.engine.detach(l.atClient);
            link = null;
            if (serverNotices) {
                serverNotices();
            }
        }

        /** The server learns that the connection it is attached to is gone. */
        void serverNotices() {
            LinkEnd attached = serverAttached;
            if (attached != null && !attached.isOpen()) {
                server.engine.detach(attached);
                serverAttached = null;
            }
        }

        void deliverToServer(int max) {
            Link l = link;
            for (int i = 0; l != null && i < max && !l.toServer.isEmpty(); i++) {
                byte[] bytes = l.toServer.poll();
                if (l.atServer.handshakeDone) {
                    server.engine.onFrame(l.atServer, bytes);
                } else {
                    onHello(l, (Frame.Hello) FrameCodec.decode(ByteBuffer.wrap(bytes)));
                }
            }
        }

        /** What ServerSession.attach does: leave a stale connection, WELCOME, then attach (and replay). */
        private void onHello(Link l, Frame.Hello hello) {
            l.atServer.handshakeDone = true;
            LinkEnd previous = serverAttached;
            if (previous != null && previous != l.atServer) {
                server.engine.detach(previous);
                previous.close(1000, "session resumed on another connection");
                halfOpenReplaced++;
            }
            l.atServer.sendBinary(FrameCodec.encode(new Frame.Welcome(true, server.engine.lastReceived(), "session",
                    "token", 120_000)).array());
            long before = server.engine.stats().replayed();
            server.engine.attach(l.atServer, hello.lastReceived());
            if (server.engine.stats().attachments() > 1) {
                replayedOnResume += server.engine.stats().replayed() - before;
            }
            serverAttached = l.atServer;
        }

        void deliverToClient(int max) {
            Link l = link;
            for (int i = 0; l != null && i < max && !l.toClient.isEmpty(); i++) {
                byte[] bytes = l.toClient.poll();
                if (l.atClient.handshakeDone) {
                    client.engine.onFrame(l.atClient, bytes);
                } else {
                    // What ClientSession.onWelcome does for a resumed session.
                    Frame.Welcome welcome = (Frame.Welcome) FrameCodec.decode(ByteBuffer.wrap(bytes));
                    l.atClient.handshakeDone = true;
                    long before = client.engine.stats().replayed();
                    client.engine.attach(l.atClient, welcome.lastReceived());
                    if (client.engine.stats().attachments() > 1) {
                        resumes++;
                        replayedOnResume += client.engine.stats().replayed() - before;
                    }
                }
            }
        }

        /** The link comes back (if it is down) and stays up until nothing is in flight or pending. */
        void reconnectAndSettle() {
            if (link == null) {
                connect();
            }
            Link l = link;
            for (int round = 0; round < 1000; round++) {
                deliverToServer(Integer.MAX_VALUE);
                deliverToClient(Integer.MAX_VALUE);
                assertInvariants();
                if (l.toServer.isEmpty() && l.toClient.isEmpty() && allDone(client) && allDone(server)) {
                    return;
                }
                clock.advanceMillis(ackDelayMs);
            }
            throw new AssertionError("the link stayed up for 1000 rounds and did not settle: client "
                    + client.engine.stats() + ", server " + server.engine.stats());
        }

        private static boolean allDone(Side side) {
            return side.stages.stream().allMatch(CompletableFuture::isDone);
        }

        void assertInvariants() {
            assertPrefix(server.delivered, client.sent, "server delivered what the client sent");
            assertPrefix(client.delivered, server.sent, "client delivered what the server sent");
            assertStages(client, server);
            assertStages(server, client);
        }

        private static void assertPrefix(List<String> delivered, List<String> sent, String what) {
            assertThat(delivered.size()).as(what).isLessThanOrEqualTo(sent.size());
            assertThat(delivered).as(what).isEqualTo(sent.subList(0, delivered.size()));
        }

        /** No stage failed; a completed stage's message was delivered by the peer. */
        private static void assertStages(Side side, Side peer) {
            for (int i = 0; i < side.stages.size(); i++) {
                CompletableFuture<Void> stage = side.stages.get(i);
                assertThat(stage.isCompletedExceptionally()).as("%s's send %d failed", side.name, i + 1).isFalse();
                if (stage.isDone()) {
                    assertThat(peer.delivered.size()).as("%s's send %d completed before the peer had it", side.name, i + 1)
                            .isGreaterThan(i);
                }
            }
        }
    }
}
