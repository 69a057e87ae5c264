package io.tether.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.tether.core.ConnectionClosedException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteStageTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void completesWhenTheWriteSucceeds_whetherAskedBeforeOrAfter() {
        ChannelPromise before = channel.newPromise();
        CompletableFuture<Void> askedBefore = new WriteStage(before, e -> e).toCompletableFuture();
        assertThat(askedBefore).isNotDone();
        before.setSuccess();
        assertThat(askedBefore).isCompleted();

        ChannelPromise after = channel.newPromise();
        WriteStage stage = new WriteStage(after, e -> e);
        after.setSuccess();
        AtomicReference<String> seen = new AtomicReference<>();
        stage.thenRun(() -> seen.set("ran"));
        assertThat(seen).hasValue("ran");
    }

    @Test
    void aFailureIsMappedWhenTheStageIsFirstAskedFor() {
        ChannelPromise write = channel.newPromise();
        ConnectionClosedException mapped = new ConnectionClosedException(1006, "gone");
        WriteStage stage = new WriteStage(write, e -> mapped);
        write.setFailure(new IOException("broken pipe"));
        assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
        assertThat(stage.handle((ok, e) -> e).toCompletableFuture().join()).isSameAs(mapped);
    }

    @Test
    void noListenerIsAddedUntilAsked_andEveryCallSharesOneBridge() throws Exception {
        AtomicInteger listeners = new AtomicInteger();
        ChannelPromise write = new DefaultChannelPromise(channel) {
            @Override
            public ChannelPromise addListener(GenericFutureListener<? extends Future<? super Void>> listener) {
                listeners.incrementAndGet();
                return super.addListener(listener);
            }
        };
        WriteStage stage = new WriteStage(write, e -> e);
        write.setSuccess();
        assertThat(listeners).as("a stage nobody looks at costs the write nothing").hasValue(0);
        CompletableFuture<Void> first = stage.toCompletableFuture();
        assertThat(stage.toCompletableFuture()).isSameAs(first);
        assertThat(stage.thenApply(x -> "v").toCompletableFuture().get()).isEqualTo("v");
        assertThat(listeners).hasValue(1);
    }

    @Test
    void exceptionallyVariantsSeeTheMappedFailure() throws ExecutionException, InterruptedException {
        ChannelPromise write = channel.newPromise();
        IllegalStateException mapped = new IllegalStateException("mapped");
        WriteStage stage = new WriteStage(write, e -> mapped);
        write.setFailure(new IOException("reset"));
        assertThat(stage.exceptionallyCompose(e -> CompletableFuture.completedFuture(null)).toCompletableFuture().get()).isNull();
        assertThat(stage.exceptionally(e -> {
            assertThat(e).isSameAs(mapped);
            return null;
        }).toCompletableFuture().get()).isNull();
    }
}
