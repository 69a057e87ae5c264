package io.tether.core.internal.protocol;

/**
 * One direction's receiving side: the highest contiguous sequence number received, duplicate
 * suppression, and the ack-batching counter. Within one connection sequence numbers must rise by
 * exactly one; after a resume the peer may first replay messages already received, which are
 * dropped as duplicates. Not thread-safe: owned by one event loop.
 */
public final class InboundWindow {

    /** What to do with an arriving DATA frame. */
    public enum Outcome { DELIVER, DUPLICATE }

    private long lastReceived;
    private long lastOnConnection;
    private long lastAcked;
    private long duplicates;
    /** Acks never go beyond this (a server with a shared store acks only what it recorded). */
    private long ackCeiling = Long.MAX_VALUE;

    /**
     * Starts from a stored position: everything up to {@code lastReceived} was received and
     * acknowledged, and from now on acks go no further than {@link #raiseAckCeiling} allows.
     */
    public void restore(long lastReceived) {
        this.lastReceived = lastReceived;
        this.lastAcked = lastReceived;
        this.ackCeiling = lastReceived;
    }

    /** Acks stop at {@code ceiling} until raised; without a call acks are not limited. */
    public void limitAcksTo(long ceiling) {
        this.ackCeiling = ceiling;
    }

    /** Allows acks up to {@code ceiling} (never lowers it). */
    public void raiseAckCeiling(long ceiling) {
        ackCeiling = Math.max(ackCeiling, ceiling);
    }

    /** What may be acknowledged now: the highest contiguous received, up to the ceiling. */
    public long acknowledgeable() {
        return Math.min(lastReceived, ackCeiling);
    }

    /** A new connection starts: its frames are checked for order from scratch. */
    public void connectionStarted() {
        lastOnConnection = 0;
    }

    /**
     * Classifies DATA number {@code seq}.
     *
     * @throws io.tether.core.ProtocolViolationException when the number goes backwards on this
     *     connection or skips ahead (a gap can only be a peer bug: the transport is ordered)
     */
    public Outcome accept(long seq) {
        if (seq <= lastOnConnection) {
            throw FrameCodec.violation("sequence went backwards: " + seq + " after " + lastOnConnection);
        }
        lastOnConnection = seq;
        if (seq <= lastReceived) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        if (seq != lastReceived + 1) {
            throw FrameCodec.violation("sequence gap: expected " + (lastReceived + 1) + ", got " + seq);
        }
        lastReceived = seq;
        return Outcome.DELIVER;
    }

    /** Highest contiguous sequence number received (0 before the first). */
    public long lastReceived() {
        return lastReceived;
    }

    /** Messages that may be acknowledged but were not yet. */
    public long unacknowledged() {
        return Math.max(0, acknowledgeable() - lastAcked);
    }

    /** Records that an ack (explicit or piggybacked) for {@link #acknowledgeable()} went out. */
    public void acknowledged() {
        lastAcked = Math.max(lastAcked, acknowledgeable());
    }

    /** After a resume the peer knows {@code seq} from the handshake: nothing to ack before it. */
    public void peerKnows(long seq) {
        lastAcked = Math.max(lastAcked, Math.min(seq, lastReceived));
    }

    public long duplicates() {
        return duplicates;
    }
}
