package io.tether.client.internal;

import io.tether.core.CloseCodes;
import io.tether.core.ConnectionClosedException;
import io.tether.core.internal.outbox.Outbox;
import io.tether.core.internal.session.Scheduler;
import io.tether.core.outbox.OutboxConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The one road every send of a socket takes, so that no send overtakes an earlier one whatever the
 * mode: straight to the {@link Target} (an open plain connection, or an attached {@code tether.v1}
 * session) when one is ready and nothing is queued, otherwise into the bounded {@link Outbox}, which
 * is flushed in order when a target becomes ready. While the socket is between connections, sends
 * are held here — not in the session — so the outbox's limits, {@code expireAfter} and
 * {@link OutboxConfig.DisconnectedBehavior#REJECT} apply in both modes, and a message held here was
 * never written anywhere. Confined to the socket's scheduler thread.
 */
final class OrderedSender {
    private static final Duration CENTURY = Duration.ofDays(36_500);

    /** Where sends go once connected. */
    interface Target {
        /** Sends one message (a String or a byte[]); the stage completes as the target promises. */
        CompletionStage<Void> send(Object payload);

        /** Whether it still takes messages (a plain connection that closed does not). */
        boolean isUsable();
    }

    private final OutboxConfig config;
    private final Outbox outbox;
    private final Scheduler scheduler;
    private @Nullable Target target;
    private Scheduler.@Nullable Cancellable sweepTimer;
    private long sweepAt = Long.MAX_VALUE;
    /** The outbox's size after the last change, for gauges on other threads. */
    private volatile int queued;

    OrderedSender(OutboxConfig config, Scheduler scheduler) {
        this.config = config;
        this.outbox = new Outbox(config);
        this.scheduler = scheduler;
    }

    /**
     * One send. {@code connected}: whether the socket has a connection at all (REJECT applies only
     * when it has none; inside an open callback, before the flush, sends queue behind the outbox).
     */
    void send(Object payload, int size, @Nullable Duration expireAfter, CompletableFuture<Void> future,
            boolean connected) {
        Target t = target;
        if (t != null && outbox.isEmpty() && t.isUsable()) {
            link(t.send(payload), future);
        } else if (!connected && config.whileDisconnected() == OutboxConfig.DisconnectedBehavior.REJECT) {
            future.completeExceptionally(new ConnectionClosedException(CloseCodes.ABNORMAL,
                    "not connected, and the outbox is set to REJECT while disconnected"));
        } else {
            long now = scheduler.nanoTime();
            long expiresAt = expireAfter == null ? Long.MAX_VALUE : now + saturatedNanos(expireAfter);
            outbox.offer(new Outbox.Entry(payload, size, expiresAt, future), now);
            queued = outbox.size();
            scheduleSweep();
        }
    }

    /** Messages waiting in the outbox; any thread (a recent value). */
    int queued() {
        return queued;
    }

    /** {@code to} is ready: flushes the outbox into it, in order, then sends go straight there. */
    void ready(Target to) {
        Outbox.Entry entry;
        while (to.isUsable() && (entry = outbox.poll(scheduler.nanoTime())) != null) {
            link(to.send(entry.payload()), entry.future());
        }
        queued = outbox.size();
        if (to.isUsable()) {
            target = to;
            cancelSweep();
        }
    }

    /** The target went away (connection lost): sends queue again. */
    void notReady() {
        target = null;
        scheduleSweep();
    }

    /** The socket is closed: fails everything queued with {@code cause}. */
    void failAll(Throwable cause) {
        target = null;
        cancelSweep();
        outbox.failAll(cause);
        queued = 0;
    }

    boolean isQueueEmpty() {
        return outbox.isEmpty();
    }

    private static void link(CompletionStage<Void> from, CompletableFuture<Void> to) {
        from.whenComplete((v, e) -> {
            if (e != null) {
                to.completeExceptionally(e);
            } else {
                to.complete(null);
            }
        });
    }

    /** Nanoseconds of {@code d}, at most a century, so adding it to a ticker reading cannot overflow. */
    private static long saturatedNanos(Duration d) {
        return d.compareTo(CENTURY) > 0 ? CENTURY.toNanos() : Math.max(0, d.toNanos());
    }

    /** While queued messages wait, wakes up at the earliest expiry or wait deadline (moved earlier when needed). */
    private void scheduleSweep() {
        long next = outbox.nextDeadline();
        if (next == Long.MAX_VALUE || target != null) {
            return;
        }
        if (sweepTimer != null) {
            if (next - sweepAt >= 0) {
                return;
            }
            sweepTimer.cancel();
        }
        sweepAt = next;
        sweepTimer = scheduler.schedule(() -> {
            sweepTimer = null;
            sweepAt = Long.MAX_VALUE;
            outbox.expire(scheduler.nanoTime());
            queued = outbox.size();
            scheduleSweep();
        }, Math.max(0, next - scheduler.nanoTime()));
    }

    private void cancelSweep() {
        if (sweepTimer != null) {
            sweepTimer.cancel();
            sweepTimer = null;
            sweepAt = Long.MAX_VALUE;
        }
    }
}
