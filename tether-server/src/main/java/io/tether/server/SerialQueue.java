package io.tether.server;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs asynchronous steps one after another: a step starts when the previous one's stage has
 * completed, on whichever thread completed it (so a step must not block). For listeners whose
 * handling of a message waits for something (a store, a bus) and must still keep the session's
 * order. A failed step is logged at WARN with the queue's name and does not stop the queue.
 * Thread-safe.
 */
public final class SerialQueue {
    private static final Logger log = LoggerFactory.getLogger(SerialQueue.class);

    private final String name;
    /** Steps not started yet, in order; guarded by this. */
    private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
    /** Whether a step is running or a thread is draining {@link #queued}; guarded by this. */
    private boolean busy;

    /** @param name what the log calls it */
    public SerialQueue(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Queues {@code step}, to be started after every step queued before it has completed. The
     * returned stage completes as the step's stage does, or with what the step threw.
     */
    public <T> CompletableFuture<T> run(Supplier<? extends CompletionStage<T>> step) {
        Objects.requireNonNull(step, "step");
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletionStage<T> s;
            try {
                s = Objects.requireNonNull(step.get(), "a step returned no stage");
            } catch (Throwable e) {
                s = CompletableFuture.failedFuture(e);
            }
            s.whenComplete((ok, e) -> {
                try {
                    if (e != null) {
                        log.warn("{}: a step failed: {}", name, e.toString());
                        result.completeExceptionally(e);
                    } else {
                        result.complete(ok);
                    }
                } finally {
                    stepDone();
                }
            });
        };
        boolean drain;
        synchronized (this) {
            queued.addLast(start);
            drain = !busy;
            busy = true;
        }
        if (drain) {
            startNext();
        }
        return result;
    }

    /** The running step completed: start the next, or let the queue go idle. */
    private void stepDone() {
        synchronized (this) {
            if (queued.isEmpty()) {
                busy = false;
                return;
            }
        }
        startNext();
    }

    /**
     * Starts queued steps one at a time, on this thread, outside the lock (a step may take locks of
     * its own). A step that completes at once would start the next from inside its own completion,
     * and a long backlog would nest that deep: {@code draining} turns that nesting into this loop.
     */
    private void startNext() {
        if (DRAINING.get()) {
            PENDING_START.get().addLast(this);
            return;
        }
        DRAINING.set(true);
        try {
            SerialQueue q = this;
            while (q != null) {
                Runnable next;
                synchronized (q) {
                    next = q.queued.pollFirst();
                }
                if (next != null) {
                    next.run();
                }
                q = PENDING_START.get().pollFirst();
            }
        } finally {
            DRAINING.set(false);
        }
    }

    /** Whether this thread is in {@link #startNext}'s loop; then queues to start go on its list. */
    private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<ArrayDeque<SerialQueue>> PENDING_START = ThreadLocal.withInitial(ArrayDeque::new);
}
