package io.tether.netty.internal;

import io.netty.channel.ChannelFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Bridges Netty futures to {@link CompletionStage}s. */
final class Stages {
    private Stages() {
    }

    /** A stage completed when {@code future} succeeds, failed with {@code mapError} of its cause. */
    static CompletionStage<Void> of(ChannelFuture future, Function<Throwable, Throwable> mapError) {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                stage.complete(null);
            } else {
                stage.completeExceptionally(mapError.apply(f.cause()));
            }
        });
        return stage;
    }
}
