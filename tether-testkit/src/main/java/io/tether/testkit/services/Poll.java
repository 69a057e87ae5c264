package io.tether.testkit.services;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A bounded wait for a condition on a service. Between polls it waits on {@code abort} — the exit
 * of the processes involved — so a process that dies ends the wait at once instead of at the
 * deadline.
 */
final class Poll {
    static final Duration INTERVAL = Duration.ofMillis(20);

    private Poll() {
    }

    /**
     * Returns once {@code condition} holds. Throws a {@link ServiceException} with {@code onAbort}'s
     * text when {@code abort} completes first, or {@code onTimeout}'s after {@code timeout}.
     */
    static void until(Duration timeout, BooleanSupplier condition, CompletableFuture<?> abort,
            Supplier<String> onAbort, Supplier<String> onTimeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ServiceException(onTimeout.get());
            }
            try {
                abort.get(Math.min(left, INTERVAL.toNanos()), TimeUnit.NANOSECONDS);
                throw new ServiceException(onAbort.get());
            } catch (TimeoutException notYet) {
                // poll again
            } catch (ExecutionException e) {
                throw new ServiceException(onAbort.get(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException("interrupted while waiting: " + onTimeout.get(), e);
            }
        }
    }
}
