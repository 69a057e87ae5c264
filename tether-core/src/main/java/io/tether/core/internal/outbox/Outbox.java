package io.tether.core.internal.outbox;

import io.tether.core.BackpressureException;
import io.tether.core.MessageExpiredException;
import io.tether.core.outbox.OutboxConfig;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The bounded, ordered queue of messages sent while a connection is not open. Every message
 * carries the future its sender holds; the outbox fails that future — never drops silently — when
 * the message expires, does not fit, or is pushed out. Messages that wait for room
 * ({@link OutboxConfig.Overflow#WAIT}) stay behind the admitted ones, so order is kept.
 *
 * <p>Not thread-safe: owned by one event loop. Times are nanoseconds from one ticker.
 */
public final class Outbox {

    /** One queued message. */
    public static final class Entry {
        private final Object payload;
        private final int size;
        private final long expiresAt;
        private final CompletableFuture<Void> future;
        private long waitDeadline = Long.MAX_VALUE;

        /**
         * @param payload what to send (the outbox does not look inside)
         * @param size its size in bytes, counted against {@code maxBytes}
         * @param expiresAt ticker time after which it must not be sent; {@link Long#MAX_VALUE} for never
         * @param future completed by whoever sends it, failed by the outbox when it gives up on it
         */
        public Entry(Object payload, int size, long expiresAt, CompletableFuture<Void> future) {
            this.payload = Objects.requireNonNull(payload, "payload");
            this.size = size;
            this.expiresAt = expiresAt;
            this.future = Objects.requireNonNull(future, "future");
        }

        public Object payload() {
            return payload;
        }

        public CompletableFuture<Void> future() {
            return future;
        }

        boolean admitted() {
            return waitDeadline == Long.MAX_VALUE;
        }
    }

    private final OutboxConfig config;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private int admittedCount;
    private long admittedBytes;
    private int waitingCount;

    public Outbox(OutboxConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Queues {@code entry}, or fails it (or an older one) as the overflow policy says. */
    public void offer(Entry entry, long nowNanos) {
        if (entry.size > config.maxBytes()) {
            entry.future.completeExceptionally(new BackpressureException("message of " + entry.size
                    + " bytes can never fit the outbox (maxBytes " + config.maxBytes() + ")"));
            return;
        }
        if (waitingCount == 0 && fits(entry)) {
            admit(entry);
            queue.addLast(entry);
            return;
        }
        switch (config.overflow()) {
            case FAIL -> entry.future.completeExceptionally(new BackpressureException("outbox full ("
                    + admittedCount + " messages, " + admittedBytes + " bytes; overflow FAIL)"));
            case DROP_OLDEST -> {
                while (!fits(entry)) {
                    Entry oldest = queue.pollFirst();
                    release(Objects.requireNonNull(oldest, "a full outbox has an oldest entry"));
                    oldest.future.completeExceptionally(new BackpressureException(
                            "dropped from the full outbox to make room for a newer message (overflow DROP_OLDEST)"));
                }
                admit(entry);
                queue.addLast(entry);
            }
            case WAIT -> {
                if (config.waitTimeout().isZero()) {
                    entry.future.completeExceptionally(new BackpressureException("outbox full (overflow WAIT, waitTimeout 0)"));
                } else {
                    entry.waitDeadline = nowNanos + config.waitTimeout().toNanos();
                    waitingCount++;
                    queue.addLast(entry);
                }
            }
        }
    }

    /**
     * The next message to send, in order, or null when empty. Messages past their expiry are
     * failed with {@link MessageExpiredException} and skipped.
     */
    public @Nullable Entry poll(long nowNanos) {
        Entry head;
        while ((head = queue.pollFirst()) != null) {
            release(head);
            admitWaiters();
            if (nowNanos - head.expiresAt >= 0 && head.expiresAt != Long.MAX_VALUE) {
                head.future.completeExceptionally(expired());
                continue;
            }
            return head;
        }
        return null;
    }

    /** Fails messages past their expiry and waiters past their wait timeout. */
    public void expire(long nowNanos) {
        boolean removed = false;
        for (Iterator<Entry> it = queue.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.expiresAt != Long.MAX_VALUE && nowNanos - e.expiresAt >= 0) {
                it.remove();
                release(e);
                e.future.completeExceptionally(expired());
                removed = true;
            } else if (!e.admitted() && nowNanos - e.waitDeadline >= 0) {
                it.remove();
                release(e);
                e.future.completeExceptionally(new BackpressureException("no room in the outbox within "
                        + config.waitTimeout().toMillis() + " ms (overflow WAIT)"));
                removed = true;
            }
        }
        if (removed) {
            admitWaiters();
        }
    }

    /** The earliest expiry or wait deadline, or {@link Long#MAX_VALUE} when nothing is due. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Entry e : queue) {
            next = Math.min(next, Math.min(e.expiresAt, e.waitDeadline));
        }
        return next;
    }

    /** Fails every queued message with {@code cause} and empties the outbox. */
    public void failAll(Throwable cause) {
        Entry e;
        while ((e = queue.pollFirst()) != null) {
            release(e);
            e.future.completeExceptionally(cause);
        }
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Messages queued, waiting ones included. */
    public int size() {
        return queue.size();
    }

    private boolean fits(Entry e) {
        return admittedCount + 1 <= config.maxMessages() && admittedBytes + e.size <= config.maxBytes();
    }

    private void admit(Entry e) {
        e.waitDeadline = Long.MAX_VALUE;
        admittedCount++;
        admittedBytes += e.size;
    }

    private void release(Entry e) {
        if (e.admitted()) {
            admittedCount--;
            admittedBytes -= e.size;
        } else {
            waitingCount--;
        }
    }

    private void admitWaiters() {
        if (waitingCount == 0) {
            return;
        }
        for (Entry e : queue) {
            if (e.admitted()) {
                continue;
            }
            if (!fits(e)) {
                return;
            }
            waitingCount--;
            admit(e);
        }
    }

    private static MessageExpiredException expired() {
        return new MessageExpiredException("message expired before the connection was back");
    }
}
