package io.tether.core.heartbeat;

/** How the heartbeat decides, after a ping went unanswered, that the peer is dead. */
public enum Detection {
    /**
     * Dead when nothing at all arrived for {@code pingInterval + pingTimeout}. Predictable, and the
     * bound everybody can compute.
     */
    FIXED_TIMEOUT,
    /**
     * Dead when the phi-accrual level, learned from this connection's ping round trips, crosses
     * the threshold; never later than the fixed bound. On a steady link this detects much sooner
     * than the fixed timeout; on a jittery one it waits longer, up to the bound.
     */
    PHI_ACCRUAL
}
