package io.tether.netty.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.tether.core.internal.session.Scheduler;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** A {@link Scheduler} on one Netty event loop, reading time from the loop's own ticker. */
public final class EventLoopScheduler implements Scheduler {
    private final EventLoop loop;

    public EventLoopScheduler(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    @Override
    public long nanoTime() {
        return loop.ticker().nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> f = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    @Override
    public boolean inThread() {
        return loop.inEventLoop();
    }
}
