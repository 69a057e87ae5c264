package io.tether.core.internal.session;

/**
 * A clock and a timer on one thread (on Netty: the event loop). Tests use a fake one whose time
 * they advance by hand.
 */
public interface Scheduler {

    /** A pending task that can be cancelled. */
    interface Cancellable {
        void cancel();
    }

    /** Current time in nanoseconds, from the same source {@link #schedule} uses. */
    long nanoTime();

    /** Runs {@code task} on this scheduler's thread after {@code delayNanos}. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** Runs {@code task} on this scheduler's thread, soon (at once if already on it). */
    void execute(Runnable task);

    /** Whether the caller is on this scheduler's thread. */
    boolean inThread();
}
