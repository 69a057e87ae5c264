package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialQueueTest {

    @Test
    void stepsRunOneAfterAnother_inOrder_evenWhenEarlierOnesCompleteLater() {
        SerialQueue queue = new SerialQueue("test");
        List<String> log = new ArrayList<>();
        CompletableFuture<Void> slow = new CompletableFuture<>();
        CompletableFuture<String> first = queue.run(() -> {
            log.add("first started");
            return slow.thenApply(x -> "one");
        });
        CompletableFuture<String> second = queue.run(() -> {
            log.add("second started");
            return CompletableFuture.completedFuture("two");
        });
        assertThat(log).containsExactly("first started");
        assertThat(second).isNotDone();
        slow.complete(null);
        assertThat(first).isCompletedWithValue("one");
        assertThat(second).isCompletedWithValue("two");
        assertThat(log).containsExactly("first started", "second started");
    }

    @Test
    void aLongBacklogOfStepsThatCompleteAtOnce_runsWithoutDeepStacks() throws Exception {
        SerialQueue queue = new SerialQueue("test");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        queue.run(() -> gate);
        int[] ran = {0};
        CompletableFuture<Integer> last = null;
        for (int i = 0; i < 200_000; i++) {
            last = queue.run(() -> CompletableFuture.completedFuture(++ran[0]));
        }
        gate.complete(null); // the whole backlog runs on this thread now
        assertThat(last.get(10, TimeUnit.SECONDS)).isEqualTo(200_000);
    }

    @Test
    void aStepThatThrows_evenAnError_orReturnsNoStage_failsItsOwnResult_andTheQueueGoesOn() throws Exception {
        SerialQueue queue = new SerialQueue("test");
        CompletableFuture<Object> threw = queue.run(() -> {
            throw new StackOverflowError("deep");
        });
        CompletableFuture<Object> none = queue.run(() -> null);
        CompletableFuture<String> after = queue.run(() -> CompletableFuture.completedFuture("still running"));
        assertThat(threw).isCompletedExceptionally();
        assertThat(none).isCompletedExceptionally();
        assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("still running");
    }
}
