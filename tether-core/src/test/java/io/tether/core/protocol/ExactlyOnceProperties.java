package io.tether.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Replay + ack + dedup, as the protocol combines them, under random interleavings of sends on both
 * sides, partial deliveries, explicit acks, connection drops (everything in flight is lost) and
 * resumes (each side learns the other's "last received" from HELLO/WELCOME and replays after it —
 * or, to exercise dedup, replays everything unacknowledged). At every step what each side delivered
 * is exactly a prefix of what the other sent; at the end it is all of it, and every send's future
 * completed.
 */
class ExactlyOnceProperties {

    enum Op { SEND_A, SEND_B, DELIVER_AB, DELIVER_BA, ACK_A, ACK_B, DROP, RESUME_EXACT, RESUME_REPLAY_ALL }

    @Provide
    Arbitrary<List<Op>> histories() {
        return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 500)
    void bothDirections_exactlyOnce_inOrder(@ForAll("histories") List<Op> history) {
        Peer a = new Peer("a");
        Peer b = new Peer("b");
        Link link = new Link();
        for (Op op : history) {
            switch (op) {
                case SEND_A -> a.send(link.connected ? link.ab : null);
                case SEND_B -> b.send(link.connected ? link.ba : null);
                case DELIVER_AB -> link.deliver(link.ab, b, 3);
                case DELIVER_BA -> link.deliver(link.ba, a, 3);
                case ACK_A -> a.ackIfDue(link.connected ? link.ab : null);
                case ACK_B -> b.ackIfDue(link.connected ? link.ba : null);
                case DROP -> link.drop();
                case RESUME_EXACT -> link.resume(a, b, true);
                case RESUME_REPLAY_ALL -> link.resume(a, b, false);
            }
            a.assertPrefixOf(b.sent);
            b.assertPrefixOf(a.sent);
        }
        link.resume(a, b, true);
        for (int round = 0; round < 3; round++) {
            link.deliver(link.ab, b, Integer.MAX_VALUE);
            link.deliver(link.ba, a, Integer.MAX_VALUE);
            a.ackIfDue(link.ab);
            b.ackIfDue(link.ba);
        }
        assertThat(b.delivered).containsExactlyElementsOf(a.sent);
        assertThat(a.delivered).containsExactlyElementsOf(b.sent);
        assertThat(a.futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(b.futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(a.replay.size()).isZero();
        assertThat(b.replay.size()).isZero();
        Statistics.label("duplicates dropped").collect(a.inbound.duplicates() + b.inbound.duplicates() > 0);
        Statistics.label("duplicates dropped").coverage(c -> c.check(true).count(n -> n > 20));
    }

    /** One side: its replay buffer, its inbound window, what it sent and delivered. */
    static final class Peer {
        final String name;
        final ReplayBuffer replay = new ReplayBuffer(100_000, Long.MAX_VALUE);
        final InboundWindow inbound = new InboundWindow();
        final List<String> sent = new ArrayList<>();
        final List<String> delivered = new ArrayList<>();
        final List<CompletableFuture<Void>> futures = new ArrayList<>();

        Peer(String name) {
            this.name = name;
        }

        void send(ArrayDeque<ByteBuffer> out) {
            String text = name + sent.size();
            sent.add(text);
            CompletableFuture<Void> future = new CompletableFuture<>();
            futures.add(future);
            ReplayBuffer.Entry e = replay.append(false, text.getBytes(StandardCharsets.UTF_8), future);
            if (out != null) {
                out.add(data(e));
            }
        }

        ByteBuffer data(ReplayBuffer.Entry e) {
            // Piggyback the cumulative ack on every DATA frame.
            ByteBuffer frame = FrameCodec.encode(new Frame.Data(e.seq(), inbound.lastReceived(), e.binary(),
                    ByteBuffer.wrap(e.payload())));
            inbound.acknowledged();
            return frame;
        }

        void ackIfDue(ArrayDeque<ByteBuffer> out) {
            if (out != null && inbound.unacknowledged() > 0) {
                out.add(FrameCodec.encode(new Frame.Ack(inbound.lastReceived())));
                inbound.acknowledged();
            }
        }

        void receive(ByteBuffer bytes) {
            Frame frame = FrameCodec.decode(bytes);
            if (frame instanceof Frame.Data d) {
                replay.acknowledge(d.ack());
                if (inbound.accept(d.seq()) == InboundWindow.Outcome.DELIVER) {
                    delivered.add(StandardCharsets.UTF_8.decode(d.payload()).toString());
                }
            } else if (frame instanceof Frame.Ack ack) {
                replay.acknowledge(ack.ack());
            }
        }

        void assertPrefixOf(List<String> peerSent) {
            assertThat(delivered.size()).isLessThanOrEqualTo(peerSent.size());
            assertThat(delivered).isEqualTo(peerSent.subList(0, delivered.size()));
        }
    }

    /** The connection: two in-flight queues, lost on a drop. */
    static final class Link {
        final ArrayDeque<ByteBuffer> ab = new ArrayDeque<>();
        final ArrayDeque<ByteBuffer> ba = new ArrayDeque<>();
        boolean connected = true;

        void deliver(ArrayDeque<ByteBuffer> queue, Peer to, int max) {
            for (int i = 0; i < max && !queue.isEmpty(); i++) {
                to.receive(queue.poll());
            }
        }

        void drop() {
            connected = false;
            ab.clear();
            ba.clear();
        }

        void resume(Peer a, Peer b, boolean exact) {
            if (connected) {
                return;
            }
            connected = true;
            a.inbound.connectionStarted();
            b.inbound.connectionStarted();
            // HELLO carries a's last received, WELCOME b's: each is an ack for the other side.
            long aHas = a.inbound.lastReceived();
            long bHas = b.inbound.lastReceived();
            if (!exact) {
                // A side that ignores the handshake's number replays everything it still holds:
                // the receiver must drop what it already has.
                a.replay.forEachAfter(0, e -> ab.add(a.data(e)));
                b.replay.forEachAfter(0, e -> ba.add(b.data(e)));
            }
            a.replay.acknowledge(bHas);
            b.replay.acknowledge(aHas);
            a.inbound.peerKnows(aHas);
            b.inbound.peerKnows(bHas);
            if (exact) {
                a.replay.forEachAfter(bHas, e -> ab.add(a.data(e)));
                b.replay.forEachAfter(aHas, e -> ba.add(b.data(e)));
            }
        }
    }
}
