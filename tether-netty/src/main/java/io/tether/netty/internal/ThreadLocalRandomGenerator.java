package io.tether.netty.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * A {@link RandomGenerator} that asks {@link ThreadLocalRandom#current()} on every call. Storing
 * {@code ThreadLocalRandom.current()} and using it on another thread would draw from that thread's
 * never-initialized seed — the same sequence in every process.
 */
public final class ThreadLocalRandomGenerator implements RandomGenerator {
    public static final ThreadLocalRandomGenerator INSTANCE = new ThreadLocalRandomGenerator();

    private ThreadLocalRandomGenerator() {
    }

    @Override
    public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public double nextDouble() {
        return ThreadLocalRandom.current().nextDouble();
    }
}
