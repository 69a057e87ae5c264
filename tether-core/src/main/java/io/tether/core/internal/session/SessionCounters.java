package io.tether.core.internal.session;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of what the session engines sharing this object did, for metrics: one object per
 * server endpoint or per client, shared by all its sessions, so the totals survive the sessions
 * that made them. Counting is an uncontended {@link LongAdder} increment, no allocation. Thread-safe.
 */
public final class SessionCounters {
    private final LongAdder replayed = new LongAdder();
    private final LongAdder duplicatesDropped = new LongAdder();
    private final LongAdder inDoubt = new LongAdder();
    private final LongAdder notDelivered = new LongAdder();
    private final LongAdder resent = new LongAdder();

    /** Messages written again on a new connection because the peer had not acknowledged them. */
    public long replayed() {
        return replayed.sum();
    }

    /** Peer messages received again (a replay of what had already arrived) and not delivered twice. */
    public long duplicatesDropped() {
        return duplicatesDropped.sum();
    }

    /** Sends failed with {@code InDoubtException} when their session ended: written, never acknowledged. */
    public long inDoubt() {
        return inDoubt.sum();
    }

    /** Sends failed with {@code NotDeliveredException} when their session ended: never written. */
    public long notDelivered() {
        return notDelivered.sum();
    }

    /** Unacknowledged messages carried into the session that replaced theirs (a reset with RESEND, a handover). */
    public long carried() {
        return resent.sum();
    }

    void replayed(int n) {
        replayed.add(n);
    }

    void duplicateDropped() {
        duplicatesDropped.increment();
    }

    void inDoubt(int n) {
        inDoubt.add(n);
    }

    void notDelivered(int n) {
        notDelivered.add(n);
    }

    void carried(int n) {
        resent.add(n);
    }
}
