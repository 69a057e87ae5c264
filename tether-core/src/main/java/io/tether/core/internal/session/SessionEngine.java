package io.tether.core.internal.session;

import io.tether.core.BackpressureException;
import io.tether.core.InDoubtException;
import io.tether.core.NotDeliveredException;
import io.tether.core.SessionExpiredException;
import io.tether.core.UnacknowledgedMessage;
import io.tether.core.WebSocketConnection;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.internal.protocol.InboundWindow;
import io.tether.core.internal.protocol.ReplayBuffer;
import io.tether.core.internal.transport.TransportConnection;
import io.tether.core.session.Delivery;
import io.tether.core.session.SessionConfig;
import io.tether.core.session.SessionStats;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The delivery engine of one {@code tether.v1} session, the same on client and server: numbers
 * outgoing messages and keeps them until acknowledged, sends them on the attached connection,
 * replays what the peer has not received when a new connection is attached, delivers incoming
 * messages once and in order, and batches acknowledgements (every {@code ackEvery} messages or
 * {@code ackDelay}, piggybacked on outgoing DATA).
 *
 * <p>Everything runs on the {@link Scheduler}'s thread; {@link #send} may be called from any
 * thread and hops there. Frames for the attached connection are written with
 * {@link WebSocketConnection#sendBinary}, which is thread-safe.
 */
public final class SessionEngine {
    private static final byte[] EMPTY = new byte[0];

    /** Where delivered messages go; called on the scheduler's thread, in order, exactly once each. */
    public interface Receiver {
        void onText(String text);

        void onBinary(byte[] data);

        /** A text message with how it arrived; the default drops {@code delivery}. */
        default void onText(String text, Delivery delivery) {
            onText(text);
        }

        /** A binary message with how it arrived; the default drops {@code delivery}. */
        default void onBinary(byte[] data, Delivery delivery) {
            onBinary(data);
        }
    }

    /**
     * A message handed from a reset session to its successor ({@link #handOver}), with the stage
     * its sender holds, to be sent again with {@link #adopt}.
     */
    public record Carried(boolean binary, boolean possibleDuplicate, byte[] payload, CompletableFuture<Void> future) {
    }

    /** What {@link #handOver} did: the reset, described, and the messages to carry into the next session. */
    public record Handover(SessionExpiredException reason, List<Carried> carried) {
    }

    private record Waiting(boolean binary, boolean possibleDuplicate, byte[] payload, CompletableFuture<Void> future,
            long deadline) {
    }

    private final SessionConfig config;
    private final Scheduler scheduler;
    private final Receiver receiver;
    private final ReplayBuffer replay;
    private final InboundWindow inbound = new InboundWindow();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Volatile: other sessions read {@link #isAttached()} (presence) from their own threads. */
    private volatile @Nullable WebSocketConnection current;
    private Scheduler.@Nullable Cancellable ackTimer;
    private Scheduler.@Nullable Cancellable waitTimer;
    private @Nullable SessionExpiredException ended;
    /** Highest sequence number ever written to a connection: what lies above was never sent. */
    private long highestWritten;
    private long delivered;
    private long replayed;
    private long attachments;

    public SessionEngine(SessionConfig config, Scheduler scheduler, Receiver receiver) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.replay = new ReplayBuffer(config.replayMaxMessages(), config.replayMaxBytes());
    }

    /** Highest contiguous sequence number received: what this side puts in HELLO/WELCOME. */
    public long lastReceived() {
        return inbound.lastReceived();
    }

    /** Whether a connection is attached. */
    public boolean isAttached() {
        return current != null;
    }

    /**
     * Why a peer claiming to have received up to {@code peerLastReceived} cannot be attached (it
     * claims more than was sent, or less than it already acknowledged), or null if it can. No side
     * effects: check before answering the handshake.
     */
    public @Nullable String resumeProblem(long peerLastReceived) {
        if (peerLastReceived > replay.lastSeq()) {
            return "tether.v1: last received " + peerLastReceived + " beyond the last message sent (" + replay.lastSeq() + ")";
        }
        if (peerLastReceived < replay.acked()) {
            return "tether.v1: last received " + peerLastReceived + " is behind what was acknowledged (" + replay.acked() + ")";
        }
        return null;
    }

    /**
     * Attaches {@code connection} after a completed HELLO/WELCOME exchange in which the peer said it
     * has everything up to {@code peerLastReceived}: frees what it has, replays the rest in order.
     *
     * @throws io.tether.core.ProtocolViolationException when the peer claims more than was sent, or
     *     less than it had already acknowledged (it lost state)
     */
    public void attach(WebSocketConnection connection, long peerLastReceived) {
        if (peerLastReceived < replay.acked()) {
            throw violation("peer's last received " + peerLastReceived + " is behind what it acknowledged ("
                    + replay.acked() + ")");
        }
        replay.acknowledge(peerLastReceived);
        current = connection;
        attachments++;
        inbound.connectionStarted();
        inbound.peerKnows(inbound.lastReceived());
        replay.forEachAfter(peerLastReceived, e -> {
            replayed++;
            write(connection, e);
        });
        admitWaiting();
    }

    /**
     * {@code connection} ended; messages keep accumulating for the next attach.
     *
     * @return whether it was the attached connection (false for one the session already left)
     */
    public boolean detach(WebSocketConnection connection) {
        if (current != connection) {
            return false;
        }
        current = null;
        cancelAckTimer();
        return true;
    }

    /** The attached connection, if any. */
    public @Nullable WebSocketConnection connection() {
        return current;
    }

    /**
     * Sends a message: numbered, kept until acknowledged, written at once if attached. The stage
     * completes when the peer acknowledges it, and fails with {@link BackpressureException} when the
     * replay buffer is full (per {@link SessionConfig#whenFull()}), or with {@link InDoubtException}
     * or {@link NotDeliveredException} when the session ends first (see {@link #reset}). Any thread.
     */
    public CompletionStage<Void> send(boolean binary, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (scheduler.inThread()) {
            sendNow(binary, false, payload, future);
        } else {
            scheduler.execute(() -> sendNow(binary, false, payload, future));
        }
        return future;
    }

    /**
     * Takes over messages of a predecessor session ({@link #handOver}), ahead of anything sent
     * later, completing their existing stages as if they had been sent here. Scheduler thread.
     */
    public void adopt(List<Carried> carried) {
        for (Carried c : carried) {
            sendNow(c.binary(), c.possibleDuplicate(), c.payload(), c.future());
        }
    }

    private void sendNow(boolean binary, boolean possibleDuplicate, byte[] payload, CompletableFuture<Void> future) {
        SessionExpiredException end = ended;
        if (end != null) {
            future.completeExceptionally(end);
        } else if (!replay.canEverHold(payload.length)) {
            future.completeExceptionally(new BackpressureException("message of " + payload.length
                    + " bytes is larger than the replay buffer (" + config.replayMaxBytes() + " bytes)"));
        } else if (waiting.isEmpty() && replay.hasRoomFor(payload.length)) {
            append(binary, possibleDuplicate, payload, future);
        } else if (config.whenFull() == SessionConfig.WhenFull.WAIT && !config.waitTimeout().isZero()) {
            waiting.add(new Waiting(binary, possibleDuplicate, payload, future,
                    scheduler.nanoTime() + config.waitTimeout().toNanos()));
            scheduleWaitSweep();
        } else {
            future.completeExceptionally(new BackpressureException("replay buffer full (" + replay.size()
                    + " messages, " + replay.bytes() + " bytes unacknowledged): the peer is not acknowledging"));
        }
    }

    private void append(boolean binary, boolean possibleDuplicate, byte[] payload, CompletableFuture<Void> future) {
        ReplayBuffer.Entry e = replay.append(binary, possibleDuplicate, payload, future);
        WebSocketConnection c = current;
        if (c != null) {
            write(c, e);
        }
    }

    private void write(WebSocketConnection connection, ReplayBuffer.Entry e) {
        // Piggyback the cumulative ack: it saves a separate ACK frame on two-way traffic. A pending
        // ack timer is left to fire and find nothing to do: cancelling and re-arming it for every
        // message costs more than one idle wake-up per ackDelay.
        // No completion stage per write: the send's own future completes on the peer's ack.
        long ack = inbound.lastReceived();
        inbound.acknowledged();
        if (e.seq() > highestWritten) {
            highestWritten = e.seq();
        }
        TransportConnection.of(connection).sendBinaryUnconfirmed(
                FrameCodec.dataHeader(e.seq(), ack, e.binary(), e.possibleDuplicate()), e.payload());
    }

    /**
     * Handles one binary message of the attached connection.
     *
     * @throws io.tether.core.ProtocolViolationException for malformed or out-of-order frames; the
     *     caller closes the connection with its code
     */
    public void onFrame(WebSocketConnection connection, byte[] bytes) {
        onFrame(connection, ByteBuffer.wrap(bytes));
    }

    /**
     * As {@link #onFrame(WebSocketConnection, byte[])}, reading {@code frame} (position to limit)
     * during this call only: what is delivered is copied out, nothing keeps the buffer.
     */
    public void onFrame(WebSocketConnection connection, ByteBuffer frame) {
        if (connection != current) {
            return; // a late frame of a connection this session has left
        }
        Frame decoded = FrameCodec.decode(frame);
        if (decoded instanceof Frame.Data d) {
            acknowledged(d.ack());
            if (inbound.accept(d.seq()) == InboundWindow.Outcome.DELIVER) {
                delivered++;
                deliver(d);
                scheduleAck(connection);
            }
        } else if (decoded instanceof Frame.Ack a) {
            acknowledged(a.ack());
        } else if (decoded instanceof Frame.Ping p) {
            connection.sendBinary(FrameCodec.encode(new Frame.Pong(p.stamp())).array());
        } else if (decoded instanceof Frame.Background bg) {
            TransportConnection.of(connection).setLivenessGrace(bg.hidden() ? config.backgroundGrace() : java.time.Duration.ZERO);
        } else if (decoded instanceof Frame.Hello || decoded instanceof Frame.Welcome) {
            throw violation("unexpected " + decoded.getClass().getSimpleName().toUpperCase() + " after the handshake");
        }
        // PONG and GOAWAY carry nothing for the engine.
    }

    private void deliver(Frame.Data d) {
        byte[] payload = new byte[d.payload().remaining()];
        d.payload().get(payload);
        Delivery delivery = new Delivery(d.seq(), d.possibleDuplicate());
        if (d.binary()) {
            receiver.onBinary(payload, delivery);
        } else {
            receiver.onText(new String(payload, StandardCharsets.UTF_8), delivery);
        }
    }

    private void acknowledged(long upTo) {
        if (replay.acknowledge(upTo) > 0) {
            admitWaiting();
        }
    }

    private void scheduleAck(WebSocketConnection connection) {
        if (inbound.unacknowledged() >= config.ackEvery()) {
            sendAck(connection);
        } else if (ackTimer == null) {
            ackTimer = scheduler.schedule(() -> {
                ackTimer = null;
                WebSocketConnection c = current;
                if (c != null) {
                    sendAck(c);
                }
            }, config.ackDelay().toNanos());
        }
    }

    private void sendAck(WebSocketConnection connection) {
        cancelAckTimer();
        if (inbound.unacknowledged() > 0) {
            inbound.acknowledged();
            TransportConnection.of(connection).sendBinaryUnconfirmed(FrameCodec.ack(inbound.lastReceived()), EMPTY);
        }
    }

    private void cancelAckTimer() {
        if (ackTimer != null) {
            ackTimer.cancel();
            ackTimer = null;
        }
    }

    private void admitWaiting() {
        while (!waiting.isEmpty() && replay.hasRoomFor(waiting.peekFirst().payload().length)) {
            Waiting w = waiting.pollFirst();
            append(w.binary(), w.possibleDuplicate(), w.payload(), w.future());
        }
    }

    private void scheduleWaitSweep() {
        if (waitTimer != null || waiting.isEmpty()) {
            return;
        }
        long delay = Math.max(0, waiting.peekFirst().deadline() - scheduler.nanoTime());
        waitTimer = scheduler.schedule(() -> {
            waitTimer = null;
            long now = scheduler.nanoTime();
            while (!waiting.isEmpty() && now - waiting.peekFirst().deadline() >= 0) {
                waiting.pollFirst().future().completeExceptionally(new BackpressureException(
                        "no room in the replay buffer within " + config.waitTimeout().toMillis() + " ms"));
            }
            scheduleWaitSweep();
        }, delay);
    }

    /**
     * Ends the session for good (expired, or its owner closed): every unacknowledged message's stage
     * fails — with {@link InDoubtException} if it was written to a connection, else with
     * {@link NotDeliveredException} — waiting sends too, and later sends fail. The returned
     * exception lists them all; calling again returns the same one.
     */
    public SessionExpiredException reset(String reason) {
        SessionExpiredException already = ended;
        return already != null ? already : end(reason, null).reason();
    }

    /**
     * Ends the session because the peer started a new one, handing over what can continue there:
     * messages never written to any connection (they cannot have been received), and — with
     * {@link SessionConfig.InDoubt#RESEND} — the in-doubt ones (written, never acknowledged),
     * flagged as possible duplicates. The rest fail as in {@link #reset}. Pass
     * {@link Handover#carried()} to the successor's {@link #adopt}, before anything else is sent there.
     *
     * @throws IllegalStateException when the session already ended
     */
    public Handover handOver(String reason, SessionConfig.InDoubt inDoubt) {
        if (ended != null) {
            throw new IllegalStateException("session already ended: " + ended.getMessage());
        }
        return end(reason, Objects.requireNonNull(inDoubt, "inDoubt"));
    }

    private Handover end(String reason, SessionConfig.@Nullable InDoubt carryPolicy) {
        cancelAckTimer();
        if (waitTimer != null) {
            waitTimer.cancel();
            waitTimer = null;
        }
        List<Pending> pending = new ArrayList<>();
        for (ReplayBuffer.Entry e : replay.drain()) {
            pending.add(new Pending(e.seq(), e.binary(), e.possibleDuplicate(), e.payload(), e.future(),
                    e.seq() <= highestWritten));
        }
        long seq = replay.lastSeq();
        while (!waiting.isEmpty()) {
            Waiting w = waiting.pollFirst();
            pending.add(new Pending(++seq, w.binary(), w.possibleDuplicate(), w.payload(), w.future(), false));
        }
        List<UnacknowledgedMessage> listed = new ArrayList<>(pending.size());
        List<Carried> carried = new ArrayList<>();
        for (Pending p : pending) {
            UnacknowledgedMessage.Fate fate = fate(p.written(), carryPolicy);
            listed.add(new UnacknowledgedMessage(p.seq(), p.binary(), p.payload(), p.written(), fate));
            if (fate != UnacknowledgedMessage.Fate.FAILED) {
                // A message resent once stays a possible duplicate if it has to be resent again.
                carried.add(new Carried(p.binary(), p.written() || p.possibleDuplicate(), p.payload(), p.future()));
            }
        }
        SessionExpiredException end = new SessionExpiredException(reason, listed);
        ended = end;
        current = null;
        for (int i = 0; i < pending.size(); i++) {
            UnacknowledgedMessage m = listed.get(i);
            if (m.fate() == UnacknowledgedMessage.Fate.FAILED) {
                pending.get(i).future().completeExceptionally(
                        m.written() ? new InDoubtException(m, end) : new NotDeliveredException(m, end));
            }
        }
        return new Handover(end, List.copyOf(carried));
    }

    private static UnacknowledgedMessage.Fate fate(boolean written, SessionConfig.@Nullable InDoubt carryPolicy) {
        if (carryPolicy == null) {
            return UnacknowledgedMessage.Fate.FAILED;
        }
        if (!written) {
            return UnacknowledgedMessage.Fate.CARRIED_OVER;
        }
        return carryPolicy == SessionConfig.InDoubt.RESEND ? UnacknowledgedMessage.Fate.RESENT
                : UnacknowledgedMessage.Fate.FAILED;
    }

    private record Pending(long seq, boolean binary, boolean possibleDuplicate, byte[] payload,
            CompletableFuture<Void> future, boolean written) {
    }

    public SessionStats stats() {
        return new SessionStats(replay.lastSeq(), replay.acked(), delivered, inbound.duplicates(), replayed, attachments);
    }

    private static io.tether.core.ProtocolViolationException violation(String message) {
        return new io.tether.core.ProtocolViolationException(io.tether.core.CloseCodes.PROTOCOL_ERROR, "tether.v1: " + message);
    }
}
