package io.tether.core.session;

import io.tether.core.BackpressureException;
import io.tether.core.NotDeliveredException;
import io.tether.core.SessionExpiredException;
import io.tether.core.WebSocketConnection;
import io.tether.core.protocol.Frame;
import io.tether.core.protocol.FrameCodec;
import io.tether.core.protocol.InboundWindow;
import io.tether.core.protocol.ReplayBuffer;
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
    }

    private record Waiting(boolean binary, byte[] payload, CompletableFuture<Void> future, long deadline) {
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
     * replay buffer is full (per {@link SessionConfig#whenFull()}) or {@link NotDeliveredException}
     * when the session ends first. Any thread.
     */
    public CompletionStage<Void> send(boolean binary, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (scheduler.inThread()) {
            sendNow(binary, payload, future);
        } else {
            scheduler.execute(() -> sendNow(binary, payload, future));
        }
        return future;
    }

    private void sendNow(boolean binary, byte[] payload, CompletableFuture<Void> future) {
        SessionExpiredException end = ended;
        if (end != null) {
            future.completeExceptionally(end);
        } else if (!replay.canEverHold(payload.length)) {
            future.completeExceptionally(new BackpressureException("message of " + payload.length
                    + " bytes is larger than the replay buffer (" + config.replayMaxBytes() + " bytes)"));
        } else if (waiting.isEmpty() && replay.hasRoomFor(payload.length)) {
            append(binary, payload, future);
        } else if (config.whenFull() == SessionConfig.WhenFull.WAIT && !config.waitTimeout().isZero()) {
            waiting.add(new Waiting(binary, payload, future, scheduler.nanoTime() + config.waitTimeout().toNanos()));
            scheduleWaitSweep();
        } else {
            future.completeExceptionally(new BackpressureException("replay buffer full (" + replay.size()
                    + " messages, " + replay.bytes() + " bytes unacknowledged): the peer is not acknowledging"));
        }
    }

    private void append(boolean binary, byte[] payload, CompletableFuture<Void> future) {
        ReplayBuffer.Entry e = replay.append(binary, payload, future);
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
        connection.sendBinaryUnconfirmed(FrameCodec.dataHeader(e.seq(), ack, e.binary()), e.payload());
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
            connection.setLivenessGrace(bg.hidden() ? config.backgroundGrace() : java.time.Duration.ZERO);
        } else if (decoded instanceof Frame.Hello || decoded instanceof Frame.Welcome) {
            throw violation("unexpected " + decoded.getClass().getSimpleName().toUpperCase() + " after the handshake");
        }
        // PONG and GOAWAY carry nothing for the engine.
    }

    private void deliver(Frame.Data d) {
        byte[] payload = new byte[d.payload().remaining()];
        d.payload().get(payload);
        if (d.binary()) {
            receiver.onBinary(payload);
        } else {
            receiver.onText(new String(payload, StandardCharsets.UTF_8));
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
            connection.sendBinaryUnconfirmed(FrameCodec.ack(inbound.lastReceived()), EMPTY);
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
            append(w.binary(), w.payload(), w.future());
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
     * Ends the session: every unacknowledged message is failed with {@link NotDeliveredException}
     * (cause: the returned exception, which lists them all), waiting sends too, and later sends fail.
     */
    public SessionExpiredException reset(String reason) {
        SessionExpiredException already = ended;
        if (already != null) {
            return already;
        }
        cancelAckTimer();
        if (waitTimer != null) {
            waitTimer.cancel();
            waitTimer = null;
        }
        List<ReplayBuffer.Entry> unacked = replay.drain();
        List<UndeliveredMessage> undelivered = new ArrayList<>();
        unacked.forEach(e -> undelivered.add(new UndeliveredMessage(e.seq(), e.binary(), e.payload())));
        long seq = replay.lastSeq();
        for (Waiting w : waiting) {
            undelivered.add(new UndeliveredMessage(++seq, w.binary(), w.payload()));
        }
        SessionExpiredException end = new SessionExpiredException(reason, undelivered);
        ended = end;
        current = null;
        for (int i = 0; i < unacked.size(); i++) {
            unacked.get(i).future().completeExceptionally(new NotDeliveredException(undelivered.get(i), end));
        }
        int i = unacked.size();
        while (!waiting.isEmpty()) {
            waiting.pollFirst().future().completeExceptionally(new NotDeliveredException(undelivered.get(i++), end));
        }
        return end;
    }

    public SessionStats stats() {
        return new SessionStats(replay.lastSeq(), replay.acked(), delivered, inbound.duplicates(), replayed, attachments);
    }

    private static io.tether.core.ProtocolViolationException violation(String message) {
        return new io.tether.core.ProtocolViolationException(io.tether.core.CloseCodes.PROTOCOL_ERROR, "tether.v1: " + message);
    }
}
