package io.tether.netty.internal;

import io.netty.channel.ChannelFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The {@link CompletionStage} of a write, bridged from its {@link ChannelFuture} only when somebody
 * asks: most senders never look at the stage a send returns (an echo, a broadcast), and a listener
 * on every write's promise, with a {@link CompletableFuture} behind it, was a tenth of the server's
 * CPU per small message. The first call of any stage method adds the listener; what it maps a
 * failure to is decided then, when the write may already be done. Thread-safe.
 */
final class WriteStage implements CompletionStage<Void> {
    private static final AtomicReferenceFieldUpdater<WriteStage, CompletableFuture> BRIDGE =
            AtomicReferenceFieldUpdater.newUpdater(WriteStage.class, CompletableFuture.class, "bridge");

    private final ChannelFuture write;
    private final UnaryOperator<Throwable> mapError;
    @SuppressWarnings("unused") // through BRIDGE
    private volatile CompletableFuture<Void> bridge;

    WriteStage(ChannelFuture write, UnaryOperator<Throwable> mapError) {
        this.write = write;
        this.mapError = mapError;
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<Void> bridge() {
        CompletableFuture<Void> existing = bridge;
        if (existing != null) {
            return existing;
        }
        CompletableFuture<Void> made = new CompletableFuture<>();
        if (!BRIDGE.compareAndSet(this, null, made)) {
            return bridge;
        }
        write.addListener(f -> {
            if (f.isSuccess()) {
                made.complete(null);
            } else {
                made.completeExceptionally(mapError.apply(f.cause()));
            }
        });
        return made;
    }

    @Override
    public CompletableFuture<Void> toCompletableFuture() {
        return bridge();
    }

    @Override
    public <U> CompletionStage<U> thenApply(Function<? super Void, ? extends U> fn) {
        return bridge().thenApply(fn);
    }

    @Override
    public <U> CompletionStage<U> thenApplyAsync(Function<? super Void, ? extends U> fn) {
        return bridge().thenApplyAsync(fn);
    }

    @Override
    public <U> CompletionStage<U> thenApplyAsync(Function<? super Void, ? extends U> fn, Executor executor) {
        return bridge().thenApplyAsync(fn, executor);
    }

    @Override
    public CompletionStage<Void> thenAccept(Consumer<? super Void> action) {
        return bridge().thenAccept(action);
    }

    @Override
    public CompletionStage<Void> thenAcceptAsync(Consumer<? super Void> action) {
        return bridge().thenAcceptAsync(action);
    }

    @Override
    public CompletionStage<Void> thenAcceptAsync(Consumer<? super Void> action, Executor executor) {
        return bridge().thenAcceptAsync(action, executor);
    }

    @Override
    public CompletionStage<Void> thenRun(Runnable action) {
        return bridge().thenRun(action);
    }

    @Override
    public CompletionStage<Void> thenRunAsync(Runnable action) {
        return bridge().thenRunAsync(action);
    }

    @Override
    public CompletionStage<Void> thenRunAsync(Runnable action, Executor executor) {
        return bridge().thenRunAsync(action, executor);
    }

    @Override
    public <U, V> CompletionStage<V> thenCombine(CompletionStage<? extends U> other,
            BiFunction<? super Void, ? super U, ? extends V> fn) {
        return bridge().thenCombine(other, fn);
    }

    @Override
    public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> other,
            BiFunction<? super Void, ? super U, ? extends V> fn) {
        return bridge().thenCombineAsync(other, fn);
    }

    @Override
    public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> other,
            BiFunction<? super Void, ? super U, ? extends V> fn, Executor executor) {
        return bridge().thenCombineAsync(other, fn, executor);
    }

    @Override
    public <U> CompletionStage<Void> thenAcceptBoth(CompletionStage<? extends U> other,
            BiConsumer<? super Void, ? super U> action) {
        return bridge().thenAcceptBoth(other, action);
    }

    @Override
    public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
            BiConsumer<? super Void, ? super U> action) {
        return bridge().thenAcceptBothAsync(other, action);
    }

    @Override
    public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
            BiConsumer<? super Void, ? super U> action, Executor executor) {
        return bridge().thenAcceptBothAsync(other, action, executor);
    }

    @Override
    public CompletionStage<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return bridge().runAfterBoth(other, action);
    }

    @Override
    public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
        return bridge().runAfterBothAsync(other, action);
    }

    @Override
    public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action, Executor executor) {
        return bridge().runAfterBothAsync(other, action, executor);
    }

    @Override
    public <U> CompletionStage<U> applyToEither(CompletionStage<? extends Void> other, Function<? super Void, U> fn) {
        return bridge().applyToEither(other, fn);
    }

    @Override
    public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends Void> other, Function<? super Void, U> fn) {
        return bridge().applyToEitherAsync(other, fn);
    }

    @Override
    public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends Void> other, Function<? super Void, U> fn,
            Executor executor) {
        return bridge().applyToEitherAsync(other, fn, executor);
    }

    @Override
    public CompletionStage<Void> acceptEither(CompletionStage<? extends Void> other, Consumer<? super Void> action) {
        return bridge().acceptEither(other, action);
    }

    @Override
    public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends Void> other, Consumer<? super Void> action) {
        return bridge().acceptEitherAsync(other, action);
    }

    @Override
    public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends Void> other, Consumer<? super Void> action,
            Executor executor) {
        return bridge().acceptEitherAsync(other, action, executor);
    }

    @Override
    public CompletionStage<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return bridge().runAfterEither(other, action);
    }

    @Override
    public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
        return bridge().runAfterEitherAsync(other, action);
    }

    @Override
    public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action, Executor executor) {
        return bridge().runAfterEitherAsync(other, action, executor);
    }

    @Override
    public <U> CompletionStage<U> thenCompose(Function<? super Void, ? extends CompletionStage<U>> fn) {
        return bridge().thenCompose(fn);
    }

    @Override
    public <U> CompletionStage<U> thenComposeAsync(Function<? super Void, ? extends CompletionStage<U>> fn) {
        return bridge().thenComposeAsync(fn);
    }

    @Override
    public <U> CompletionStage<U> thenComposeAsync(Function<? super Void, ? extends CompletionStage<U>> fn,
            Executor executor) {
        return bridge().thenComposeAsync(fn, executor);
    }

    @Override
    public <U> CompletionStage<U> handle(BiFunction<? super Void, Throwable, ? extends U> fn) {
        return bridge().handle(fn);
    }

    @Override
    public <U> CompletionStage<U> handleAsync(BiFunction<? super Void, Throwable, ? extends U> fn) {
        return bridge().handleAsync(fn);
    }

    @Override
    public <U> CompletionStage<U> handleAsync(BiFunction<? super Void, Throwable, ? extends U> fn, Executor executor) {
        return bridge().handleAsync(fn, executor);
    }

    @Override
    public CompletionStage<Void> whenComplete(BiConsumer<? super Void, ? super Throwable> action) {
        return bridge().whenComplete(action);
    }

    @Override
    public CompletionStage<Void> whenCompleteAsync(BiConsumer<? super Void, ? super Throwable> action) {
        return bridge().whenCompleteAsync(action);
    }

    @Override
    public CompletionStage<Void> whenCompleteAsync(BiConsumer<? super Void, ? super Throwable> action,
            Executor executor) {
        return bridge().whenCompleteAsync(action, executor);
    }

    @Override
    public CompletionStage<Void> exceptionally(Function<Throwable, ? extends Void> fn) {
        return bridge().exceptionally(fn);
    }

    @Override
    public CompletionStage<Void> exceptionallyAsync(Function<Throwable, ? extends Void> fn) {
        return bridge().exceptionallyAsync(fn);
    }

    @Override
    public CompletionStage<Void> exceptionallyAsync(Function<Throwable, ? extends Void> fn, Executor executor) {
        return bridge().exceptionallyAsync(fn, executor);
    }

    @Override
    public CompletionStage<Void> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<Void>> fn) {
        return bridge().exceptionallyCompose(fn);
    }

    @Override
    public CompletionStage<Void> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<Void>> fn) {
        return bridge().exceptionallyComposeAsync(fn);
    }

    @Override
    public CompletionStage<Void> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<Void>> fn,
            Executor executor) {
        return bridge().exceptionallyComposeAsync(fn, executor);
    }

    @Override
    public String toString() {
        return "WriteStage[" + (write.isDone() ? write.isSuccess() ? "written" : "failed" : "pending") + "]";
    }
}
