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

    /** Messages received but not yet acknowledged to the peer. */
    public long unacknowledged() {
        return lastReceived - lastAcked;
    }

    /** Records that an ack (explicit or piggybacked) for {@link #lastReceived()} went out. */
    public void acknowledged() {
        lastAcked = lastReceived;
    }

    /** After a resume the peer knows {@code lastReceived} from the handshake: nothing to ack before it. */
    public void peerKnows(long seq) {
        lastAcked = Math.max(lastAcked, Math.min(seq, lastReceived));
    }

    public long duplicates() {
        return duplicates;
    }
}
