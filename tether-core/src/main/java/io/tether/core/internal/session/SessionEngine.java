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

    /**
     * Where a server engine makes each step durable before acting on it (a shared session store).
     * With a journal: a message is written to the peer only once {@link #appended} completed, and
     * its send stage completes then (the store has it; the peer's ack later frees it); a received
     * message reaches the application only once {@link #inbound} recorded that it is being handed
     * over, and is acknowledged only once a later record says it was handled. At most one call of
     * each kind is outstanding per engine, so calls batch under load. Stages may complete on any
     * thread; the engine continues on its scheduler.
     */
    public interface Journal {
        /** Stores {@code entries} (consecutive, following the last stored). */
        CompletionStage<Void> appended(List<ReplayBuffer.Entry> entries);

        /** The peer acknowledged up to {@code upTo}. */
        CompletionStage<Void> acknowledged(long upTo);

        /** Received messages handed to the application up to {@code delivering}, handled up to {@code delivered}. */
        CompletionStage<Void> inbound(long delivering, long delivered);

        /**
         * Whether a write that failed with {@code cause} may still have been applied (a timeout: the
         * store may have done it). Messages of a failed append that may have been stored count as
         * in doubt, not as never sent. By default: yes.
         */
        default boolean mayHaveApplied(Throwable cause) {
            return true;
        }

        /** A journal write failed: this engine cannot go on (store unreachable, or the session moved). Scheduler thread. */
        void failed(Throwable cause);
    }

    /**
     * A session's position as stored, to continue from ({@link SessionEngine#useJournal}).
     *
     * @param outboundAcked what the peer acknowledged of ours
     * @param outboundLastSeq our last sequence number
     * @param outbound ours in between, in order
     * @param inboundDelivering the peer's messages handed to an application (maybe on a node that died)
     * @param inboundDelivered the peer's messages known handled
     */
    public record Restored(long outboundAcked, long outboundLastSeq, List<ReplayBuffer.Entry> outbound,
            long inboundDelivering, long inboundDelivered) {
    }

    /** A received message waiting for its {@link Journal#inbound} record. */
    private record Received(long seq, boolean binary, boolean possibleDuplicate, byte[] payload) {
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

    // ---- with a journal only ----
    private @Nullable Journal journal;
    /** Ours stored up to here; only these may be written. */
    private long durableSeq;
    /** Ours written on the current connection (or known to the peer) up to here. */
    private long wireSeq;
    private final List<ReplayBuffer.Entry> toStore = new ArrayList<>();
    private boolean storing;
    private long ackToStore;
    private long ackStored;
    private boolean storingAck;
    private final ArrayDeque<Received> received = new ArrayDeque<>();
    /**
     * Handled up to here: recorded as delivering, the listener returned, and what it sent meanwhile
     * is stored. Only then may a message be recorded as delivered: a node that dies before has the
     * next one deliver it again (flagged), instead of leaving its replies unsent (an echo lost).
     */
    private long handled;
    /** Messages whose listener returned, until what they sent is stored and what they hold on is done. */
    private final ArrayDeque<Returned> returned = new ArrayDeque<>();
    /** What the listener being called now asked handling to wait for ({@link #holdHandled}). */
    private @Nullable CompletableFuture<?> holding;
    private boolean delivering;

    /** A received message whose listener returned: our last seq then, and what else it waits for. */
    private record Returned(long seq, long mark, @Nullable CompletableFuture<?> hold) {
        boolean done(long durableSeq) {
            return mark <= durableSeq && (hold == null || hold.isDone());
        }
    }
    private long recordedDelivering;
    private long recordedDelivered;
    private boolean recording;
    /** The peer's messages up to here may have reached an application on another node: flagged. */
    private long redeliveryUpTo;
    private long redelivered;
    private final SessionCounters counters;

    public SessionEngine(SessionConfig config, Scheduler scheduler, Receiver receiver) {
        this(config, scheduler, receiver, new SessionCounters());
    }

    /** @param counters where this engine adds what it replays, drops and fails; shared with other engines */
    public SessionEngine(SessionConfig config, Scheduler scheduler, Receiver receiver, SessionCounters counters) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.replay = new ReplayBuffer(config.replayMaxMessages(), config.replayMaxBytes());
    }

    /** Highest contiguous sequence number received: what this side puts in HELLO/WELCOME. */
    public long lastReceived() {
        return inbound.acknowledgeable();
    }

    /**
     * Makes every step durable in {@code journal} first (see {@link Journal}). Before the first
     * attach; {@code from} is the stored position to continue from, or null for a new session.
     */
    public void useJournal(Journal journal, @Nullable Restored from) {
        if (attachments > 0 || replay.lastSeq() > 0) {
            throw new IllegalStateException("useJournal after the engine started");
        }
        this.journal = Objects.requireNonNull(journal, "journal");
        if (from == null) {
            inbound.limitAcksTo(0);
            return;
        }
        replay.restore(from.outboundAcked(), from.outboundLastSeq(), from.outbound());
        durableSeq = from.outboundLastSeq();
        highestWritten = from.outboundLastSeq(); // a node that died may have written any of them
        ackStored = from.outboundAcked();
        ackToStore = from.outboundAcked();
        inbound.restore(from.inboundDelivered());
        handled = from.inboundDelivered();
        recordedDelivered = from.inboundDelivered();
        recordedDelivering = from.inboundDelivering();
        redeliveryUpTo = from.inboundDelivering();
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
        long sent = journal == null ? replay.lastSeq() : durableSeq;
        if (peerLastReceived > sent) {
            return "tether.v1: last received " + peerLastReceived + " beyond the last message sent (" + sent + ")";
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
        storeAck(peerLastReceived);
        current = connection;
        attachments++;
        inbound.connectionStarted();
        inbound.peerKnows(inbound.acknowledgeable());
        long replayUpTo = journal == null ? Long.MAX_VALUE : durableSeq;
        long replayedBefore = replayed;
        replay.forEachAfter(peerLastReceived, e -> {
            if (e.seq() <= replayUpTo) {
                replayed++;
                write(connection, e);
            }
        });
        counters.replayed((int) (replayed - replayedBefore));
        wireSeq = Math.max(peerLastReceived, Math.min(replayUpTo, replay.lastSeq()));
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
        return send(binary, false, payload);
    }

    /**
     * {@link #send(boolean, byte[])}, flagged as a possible duplicate when {@code possibleDuplicate}
     * (the peer's application may have had it already, from an earlier send). Any thread.
     */
    public CompletionStage<Void> send(boolean binary, boolean possibleDuplicate, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (scheduler.inThread()) {
            sendNow(binary, possibleDuplicate, payload, future);
        } else {
            scheduler.execute(() -> sendNow(binary, possibleDuplicate, payload, future));
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
        if (journal != null) {
            toStore.add(e);
            storeAppends();
            return;
        }
        WebSocketConnection c = current;
        if (c != null) {
            write(c, e);
        }
    }

    /** Stores what waits, one batch at a time; each stored batch is written and its stages complete. */
    private void storeAppends() {
        Journal j = journal;
        if (j == null || storing || toStore.isEmpty() || ended != null) {
            return;
        }
        List<ReplayBuffer.Entry> batch = List.copyOf(toStore);
        toStore.clear();
        storing = true;
        j.appended(batch).whenComplete((ok, error) -> onScheduler(() -> {
            storing = false;
            if (error != null) {
                if (j.mayHaveApplied(Stages.cause(error))) {
                    // The store may have them, and a node that resumes the session would send them.
                    highestWritten = Math.max(highestWritten, batch.get(batch.size() - 1).seq());
                }
                journalFailed(error);
                return;
            }
            durableSeq = batch.get(batch.size() - 1).seq();
            for (ReplayBuffer.Entry e : batch) {
                e.future().complete(null); // the store has it: delivered wherever the peer resumes
            }
            writeDurable();
            storeAppends();
            handledMayAdvance(); // the replies of these messages are stored: they may count as handled now
        }));
    }

    /** Writes ours that are stored and not yet on the current connection. */
    private void writeDurable() {
        WebSocketConnection c = current;
        if (c == null || wireSeq >= durableSeq) {
            return;
        }
        long from = wireSeq;
        long to = durableSeq;
        replay.forEachAfter(from, e -> {
            if (e.seq() <= to) {
                write(c, e);
            }
        });
        wireSeq = to;
    }

    private void onScheduler(Runnable task) {
        if (scheduler.inThread()) {
            task.run();
        } else {
            scheduler.execute(task);
        }
    }

    private void journalFailed(Throwable error) {
        Throwable cause = Stages.cause(error);
        Journal j = journal;
        if (j != null && ended == null) {
            j.failed(cause);
        }
    }

    private void write(WebSocketConnection connection, ReplayBuffer.Entry e) {
        // Piggyback the cumulative ack: it saves a separate ACK frame on two-way traffic. A pending
        // ack timer is left to fire and find nothing to do: cancelling and re-arming it for every
        // message costs more than one idle wake-up per ackDelay.
        // No completion stage per write: the send's own future completes on the peer's ack.
        long ack = inbound.acknowledgeable();
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
            InboundWindow.Outcome outcome = inbound.accept(d.seq());
            if (outcome == InboundWindow.Outcome.DUPLICATE) {
                counters.duplicateDropped();
            } else if (outcome == InboundWindow.Outcome.DELIVER) {
                if (journal != null) {
                    byte[] payload = new byte[d.payload().remaining()];
                    d.payload().get(payload);
                    received.add(new Received(d.seq(), d.binary(), d.possibleDuplicate(), payload));
                    recordInbound();
                } else {
                    delivered++;
                    deliver(d);
                    scheduleAck(connection);
                }
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
        deliverPayload(d.binary(), payload, new Delivery(d.seq(), d.possibleDuplicate()));
    }

    private void deliverPayload(boolean binary, byte[] payload, Delivery delivery) {
        holding = null;
        delivering = true;
        try {
            if (binary) {
                receiver.onBinary(payload, delivery);
            } else {
                receiver.onText(new String(payload, StandardCharsets.UTF_8), delivery);
            }
        } finally {
            delivering = false;
        }
    }

    private void acknowledged(long upTo) {
        if (journal != null && upTo > durableSeq) {
            throw violation("ack " + upTo + " beyond the last message sent (" + durableSeq + ")");
        }
        if (replay.acknowledge(upTo) > 0) {
            storeAck(upTo);
            admitWaiting();
        }
    }

    /** Tells the journal what the peer acknowledged; one write at a time, the latest value wins. */
    private void storeAck(long upTo) {
        Journal j = journal;
        if (j == null) {
            return;
        }
        ackToStore = Math.max(ackToStore, upTo);
        if (storingAck || ackToStore <= ackStored || ended != null) {
            return;
        }
        long value = ackToStore;
        storingAck = true;
        j.acknowledged(value).whenComplete((ok, error) -> onScheduler(() -> {
            storingAck = false;
            if (error != null) {
                journalFailed(error);
                return;
            }
            ackStored = Math.max(ackStored, value);
            storeAck(ackToStore);
        }));
    }

    /**
     * Records, one write at a time, how far received messages went: the next batch as delivering
     * (then it is handed over) and what was handled (then it may be acknowledged).
     */
    private void recordInbound() {
        Journal j = journal;
        if (j == null || recording || ended != null) {
            return;
        }
        deliverRecorded();
        long delivering = received.isEmpty() ? recordedDelivering : Math.max(recordedDelivering, received.peekLast().seq());
        long done = handled;
        if (delivering == recordedDelivering && done == recordedDelivered) {
            return;
        }
        recording = true;
        j.inbound(delivering, done).whenComplete((ok, error) -> onScheduler(() -> {
            recording = false;
            if (error != null) {
                journalFailed(error);
                return;
            }
            recordedDelivering = Math.max(recordedDelivering, delivering);
            recordedDelivered = Math.max(recordedDelivered, done);
            inbound.raiseAckCeiling(recordedDelivered);
            deliverRecorded();
            WebSocketConnection c = current;
            if (c != null) {
                scheduleAck(c);
            }
            recordInbound();
        }));
    }

    /** Hands over the received messages a record already covers, in order. */
    private void deliverRecorded() {
        while (!received.isEmpty() && received.peekFirst().seq() <= recordedDelivering && ended == null) {
            Received r = received.pollFirst();
            boolean again = r.seq() <= redeliveryUpTo;
            if (again) {
                redelivered++;
            }
            delivered++;
            deliverPayload(r.binary(), r.payload(), new Delivery(r.seq(), r.possibleDuplicate() || again));
            CompletableFuture<?> hold = holding;
            holding = null;
            if (hold != null && !hold.isDone()) {
                hold.whenComplete((x, e) -> onScheduler(this::handledMayAdvance));
            }
            // Replies parked for room in the replay buffer (WhenFull.WAIT) are not counted: they may
            // time out and never get a number, and handled would then wait for later sends.
            returned.addLast(new Returned(r.seq(), replay.lastSeq(), hold));
            advanceHandled();
        }
    }

    /**
     * Called by the listener while it handles a received message (on this engine's thread): the
     * message counts as handled — recorded so, and acknowledged — only once {@code work} has
     * completed (successfully or not), for listeners that finish handling asynchronously. Without a
     * journal it changes nothing (acknowledgements do not wait for handling then).
     *
     * @throws IllegalStateException when no message is being delivered on this thread
     */
    public void holdHandled(CompletionStage<?> work) {
        Objects.requireNonNull(work, "work");
        if (!delivering || !scheduler.inThread()) {
            throw new IllegalStateException("holdHandled is for the listener of a message being delivered, on its thread");
        }
        CompletableFuture<?> w = work.toCompletableFuture();
        CompletableFuture<?> before = holding;
        holding = before == null ? w : CompletableFuture.allOf(before, w);
    }

    private void handledMayAdvance() {
        long before = handled;
        advanceHandled();
        if (handled > before) {
            recordInbound();
        }
    }

    /** Moves {@link #handled} over the messages whose sends are stored and whose held work is done. */
    private void advanceHandled() {
        while (!returned.isEmpty() && returned.peekFirst().done(durableSeq)) {
            handled = returned.pollFirst().seq();
        }
    }

    /** Messages the peer sent that a journal has not recorded as handled yet (0 without a journal). */
    public long unrecorded() {
        return journal == null ? 0 : inbound.lastReceived() - recordedDelivered;
    }

    /** The peer's messages delivered again, flagged, because a node that died may have delivered them. */
    public long redelivered() {
        return redelivered;
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
            TransportConnection.of(connection).sendBinaryUnconfirmed(FrameCodec.ack(inbound.acknowledgeable()), EMPTY);
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
        int inDoubt = 0;
        int notDelivered = 0;
        for (int i = 0; i < pending.size(); i++) {
            UnacknowledgedMessage m = listed.get(i);
            if (m.fate() == UnacknowledgedMessage.Fate.FAILED) {
                if (m.written()) {
                    inDoubt++;
                } else {
                    notDelivered++;
                }
                pending.get(i).future().completeExceptionally(
                        m.written() ? new InDoubtException(m, end) : new NotDeliveredException(m, end));
            }
        }
        counters.inDoubt(inDoubt);
        counters.notDelivered(notDelivered);
        counters.carried(carried.size());
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

    /**
     * Messages sent and not yet acknowledged by the peer. Any thread, without synchronization: a
     * possibly stale value, for gauges only.
     */
    public long bufferedMessages() {
        // Two plain fields rather than the deque's size, which another thread could see mid-resize.
        return Math.max(0, replay.lastSeq() - replay.acked());
    }

    /** Their payload bytes; as {@link #bufferedMessages()}, for gauges only. */
    public long bufferedBytes() {
        return replay.bytes();
    }

    public SessionStats stats() {
        return new SessionStats(replay.lastSeq(), replay.acked(), delivered, inbound.duplicates(), replayed, attachments);
    }

    private static io.tether.core.ProtocolViolationException violation(String message) {
        return new io.tether.core.ProtocolViolationException(io.tether.core.CloseCodes.PROTOCOL_ERROR, "tether.v1: " + message);
    }
}
