package io.tether.netty.internal;

/**
 * Per-connection flow limits, checked by the connection handler: a message rate kept as the
 * generic cell rate algorithm (one {@code long} of state per connection, no object), and a bound on
 * outbound bytes queued in the socket buffer.
 *
 * @param inboundIntervalNanos nanoseconds per inbound message at the sustained rate; 0 turns the
 *     rate limit off
 * @param inboundToleranceNanos how far ahead of the sustained rate a burst may run
 *     ({@code (burst - 1) × interval})
 * @param inboundPerSecond the rate, for the close reason
 * @param maxQueuedBytes outbound bytes pending in the channel beyond which the connection is closed
 *     with 1013; 0 turns it off
 */
public record FlowLimits(long inboundIntervalNanos, long inboundToleranceNanos, double inboundPerSecond,
        long maxQueuedBytes) {
    public static final FlowLimits NONE = new FlowLimits(0, 0, 0, 0);

    /** From a rate (0: off) and burst (at least 1) of inbound messages and a queue bound (0: off). */
    public static FlowLimits of(double inboundPerSecond, int inboundBurst, long maxQueuedBytes) {
        long interval = inboundPerSecond > 0 ? Math.max(1, Math.round(1e9 / inboundPerSecond)) : 0;
        return new FlowLimits(interval, (long) (Math.max(1, inboundBurst) - 1) * interval, inboundPerSecond,
                maxQueuedBytes);
    }

    boolean limitsInbound() {
        return inboundIntervalNanos > 0;
    }
}
