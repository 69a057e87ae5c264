package io.tether.core.testing;

import io.tether.core.internal.session.Scheduler;
import java.util.PriorityQueue;

/** Virtual time: tasks run only when the test advances the clock. Single-threaded; {@link #execute} runs at once. */
public final class FakeScheduler implements Scheduler {
    private record Task(long at, long order, Runnable run, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long now = 1_000_000_000L;
    private long order;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + delayNanos, order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public boolean inThread() {
        return true;
    }

    public void advanceMillis(long millis) {
        long until = now + millis * 1_000_000L;
        while (!tasks.isEmpty() && tasks.peek().at <= until) {
            Task t = tasks.poll();
            now = t.at;
            if (!t.cancelled[0]) {
                t.run.run();
            }
        }
        now = until;
    }
}
