package io.tether.redis.internal;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One attempt to open the link's connection, and the operations that came while it was under way,
 * which are dispatched in the order they came once it is decided (a {@link CompletableFuture}'s
 * dependents would run in no promised order, and two appends issued back to back must reach Redis
 * in that order). Thread-safe.
 *
 * <pre>
 * CONNECTING ──opened──▶ OPEN     operations run at once, on the caller's thread
 *     └──────failed────▶ FAILED   operations fail at once; the link starts a new attempt
 * </pre>
 */
final class ConnectAttempt {
    private enum State {
        /** Connecting: operations wait in {@link #waiting}. */
        CONNECTING,
        /** Open: {@link #commands} is set; operations run at once. */
        OPEN,
        /** Could not connect: {@link #failure} is set; operations fail at once. */
        FAILED
    }

    /** Guarded by this. */
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    /** Written under this, after {@link #commands} or {@link #failure}; read without it. */
    private volatile State state = State.CONNECTING;
    private @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;
    private @Nullable Throwable failure;

    boolean failed() {
        return state == State.FAILED;
    }

    /** Runs {@code operation} on the connection: now if it is open, else once it is (or fails). */
    <T> CompletableFuture<T> run(Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> operation) {
        if (state == State.CONNECTING) {
            CompletableFuture<T> result = new CompletableFuture<>();
            synchronized (this) {
                if (state == State.CONNECTING) {
                    waiting.add(() -> apply(operation).whenComplete((v, e) -> {
                        if (e == null) {
                            result.complete(v);
                        } else {
                            result.completeExceptionally(e);
                        }
                    }));
                    return result;
                }
            }
        }
        return apply(operation);
    }

    private <T> CompletableFuture<T> apply(Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> operation) {
        RedisClusterAsyncCommands<byte[], byte[]> open = commands;
        if (open == null) {
            return CompletableFuture.failedFuture(failure);
        }
        try {
            return operation.apply(open);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    void opened(RedisClusterAsyncCommands<byte[], byte[]> open) {
        commands = open;
        drainThen(State.OPEN);
    }

    void failed(Throwable cause) {
        failure = cause;
        drainThen(State.FAILED);
    }

    /** Dispatches the waiting operations in order, then lets later ones run directly. */
    private void drainThen(State next) {
        while (true) {
            Runnable operation;
            synchronized (this) {
                operation = waiting.poll();
                if (operation == null) {
                    state = next;
                    return;
                }
            }
            operation.run();
        }
    }
}
