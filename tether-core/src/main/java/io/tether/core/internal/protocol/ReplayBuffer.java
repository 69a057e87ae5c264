package io.tether.core.internal.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One direction's sent-but-not-acknowledged messages, numbered from 1. A message stays until the
 * peer's cumulative ack covers it; then its future completes. On resume everything after the peer's
 * "last received" is sent again. Bounded by messages and bytes: {@link #hasRoomFor} tells the caller
 * whether to queue, push back or fail. Not thread-safe: owned by one event loop.
 */
public final class ReplayBuffer {

    /**
     * One unacknowledged message; {@code possibleDuplicate} when it is resent from a session that
     * was reset (its receiver may have had an earlier copy).
     */
    public record Entry(long seq, boolean binary, boolean possibleDuplicate, byte[] payload, CompletableFuture<Void> future) {
        public Entry {
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(future, "future");
        }
    }

    private final int maxMessages;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;
    private long lastSeq;
    private long acked;

    public ReplayBuffer(int maxMessages, long maxBytes) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("replay buffer maxMessages must be at least 1, was " + maxMessages);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("replay buffer maxBytes must be at least 1, was " + maxBytes);
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /**
     * Starts from a stored position: the peer acknowledged up to {@code acked}, the last message
     * sent is {@code lastSeq}, and {@code kept} are the ones in between, in order. Only on an empty buffer.
     */
    public void restore(long acked, long lastSeq, List<Entry> kept) {
        if (this.lastSeq != 0 || !entries.isEmpty()) {
            throw new IllegalStateException("restore into a buffer already in use");
        }
        long expected = acked + 1;
        for (Entry e : kept) {
            if (e.seq() != expected++) {
                throw new IllegalArgumentException("stored messages are not " + (acked + 1) + ".." + lastSeq + " in order");
            }
            entries.addLast(e);
            bytes += e.payload().length;
        }
        if (expected != lastSeq + 1) {
            throw new IllegalArgumentException("stored messages end at " + (expected - 1) + ", not at " + lastSeq);
        }
        this.acked = acked;
        this.lastSeq = lastSeq;
    }

    /** Whether a message of {@code size} bytes fits now. */
    public boolean hasRoomFor(int size) {
        return entries.size() < maxMessages && bytes + size <= maxBytes;
    }

    /** Whether a message of {@code size} bytes could ever fit (into an empty buffer). */
    public boolean canEverHold(int size) {
        return size <= maxBytes;
    }

    /** Numbers and keeps a message; the caller checked {@link #hasRoomFor}. */
    public Entry append(boolean binary, byte[] payload, CompletableFuture<Void> future) {
        return append(binary, false, payload, future);
    }

    /** As {@link #append(boolean, byte[], CompletableFuture)}, flagged as a possible duplicate when asked. */
    public Entry append(boolean binary, boolean possibleDuplicate, byte[] payload, CompletableFuture<Void> future) {
        Entry e = new Entry(++lastSeq, binary, possibleDuplicate, payload, future);
        entries.addLast(e);
        bytes += payload.length;
        return e;
    }

    /**
     * The peer has everything up to {@code upTo}: frees those messages and completes their futures,
     * in order. Acks at or below the current one are ignored (they may arrive late or be repeated).
     *
     * @return how many messages were freed
     * @throws io.tether.core.ProtocolViolationException when {@code upTo} is beyond the last message sent
     */
    public int acknowledge(long upTo) {
        if (upTo > lastSeq) {
            throw FrameCodec.violation("ack " + upTo + " beyond the last message sent (" + lastSeq + ")");
        }
        int freed = 0;
        while (!entries.isEmpty() && entries.peekFirst().seq() <= upTo) {
            Entry e = entries.pollFirst();
            bytes -= e.payload().length;
            freed++;
            e.future().complete(null);
        }
        acked = Math.max(acked, upTo);
        return freed;
    }

    /** Calls {@code action} for every kept message after {@code seq}, in order (the replay on resume). */
    public void forEachAfter(long seq, Consumer<Entry> action) {
        for (Entry e : entries) {
            if (e.seq() > seq) {
                action.accept(e);
            }
        }
    }

    /** Removes and returns every unacknowledged message (for a session reset); futures untouched. */
    public List<Entry> drain() {
        List<Entry> all = new ArrayList<>(entries);
        entries.clear();
        bytes = 0;
        return all;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long acked() {
        return acked;
    }

    public int size() {
        return entries.size();
    }

    public long bytes() {
        return bytes;
    }
}
