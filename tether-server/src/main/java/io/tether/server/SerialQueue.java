package io.tether.server;

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
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

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
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> previous;
        synchronized (this) {
            previous = tail;
            tail = mine;
        }
        // Started outside the lock: a step that runs at once (the queue was idle) may take locks of
        // its own, and one taken while holding ours could deadlock with a thread queueing from
        // under such a lock.
        previous.whenComplete((x, ignored) -> {
            CompletionStage<T> s;
            try {
                s = step.get();
            } catch (RuntimeException e) {
                s = CompletableFuture.failedFuture(e);
            }
            s.whenComplete((ok, e) -> {
                if (e != null) {
                    log.warn("{}: a step failed: {}", name, e.toString());
                    result.completeExceptionally(e);
                } else {
                    result.complete(ok);
                }
                mine.complete(null);
            });
        });
        return result;
    }
}
