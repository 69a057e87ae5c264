package io.tether.core.internal.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.BackpressureException;
import io.tether.core.MessageExpiredException;
import io.tether.core.outbox.OutboxConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutboxTest {
    private static final long MS = 1_000_000L;

    private static OutboxConfig config(OutboxConfig.Overflow overflow) {
        return OutboxConfig.builder().maxMessages(3).maxBytes(100).overflow(overflow)
                .waitTimeout(Duration.ofMillis(500)).build();
    }

    private static Outbox.Entry entry(String text) {
        return entry(text, Long.MAX_VALUE);
    }

    private static Outbox.Entry entry(String text, long expiresAt) {
        return new Outbox.Entry(text, text.length(), expiresAt, new CompletableFuture<>());
    }

    private static Throwable failure(CompletableFuture<Void> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("not failed");
    }

    private static List<Object> drain(Outbox outbox, long now) {
        List<Object> out = new ArrayList<>();
        Outbox.Entry e;
        while ((e = outbox.poll(now)) != null) {
            out.add(e.payload());
        }
        return out;
    }

    @Test
    void keepsOrder() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.FAIL));
        for (String s : new String[] {"a", "b", "c"}) {
            outbox.offer(entry(s), 0);
        }
        assertThat(drain(outbox, 0)).containsExactly("a", "b", "c");
        assertThat(outbox.isEmpty()).isTrue();
    }

    @Test
    void fail_rejectsTheNewMessage_whenFullByCount() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.FAIL));
        for (String s : new String[] {"a", "b", "c"}) {
            outbox.offer(entry(s), 0);
        }
        Outbox.Entry d = entry("d");
        outbox.offer(d, 0);
        assertThat(d.future()).isCompletedExceptionally();
        assertThat(failure(d.future())).isInstanceOf(BackpressureException.class).hasMessageContaining("overflow FAIL");
        assertThat(drain(outbox, 0)).containsExactly("a", "b", "c");
    }

    @Test
    void fail_rejectsTheNewMessage_whenFullByBytes() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.FAIL));
        outbox.offer(entry("x".repeat(60)), 0);
        Outbox.Entry big = entry("y".repeat(50));
        outbox.offer(big, 0);
        assertThat(big.future()).isCompletedExceptionally();
        Outbox.Entry never = entry("z".repeat(101));
        outbox.offer(never, 0);
        assertThat(failure(never.future())).hasMessageContaining("can never fit");
    }

    @Test
    void dropOldest_failsTheOldest_andKeepsTheNew() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.DROP_OLDEST));
        Outbox.Entry a = entry("a");
        outbox.offer(a, 0);
        outbox.offer(entry("b"), 0);
        outbox.offer(entry("c"), 0);
        outbox.offer(entry("d"), 0);
        assertThat(failure(a.future())).isInstanceOf(BackpressureException.class).hasMessageContaining("DROP_OLDEST");
        assertThat(drain(outbox, 0)).containsExactly("b", "c", "d");
    }

    @Test
    void wait_holdsTheNewMessageBehindTheOthers_untilThereIsRoom() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.WAIT));
        outbox.offer(entry("a"), 0);
        outbox.offer(entry("b"), 0);
        outbox.offer(entry("c"), 0);
        Outbox.Entry d = entry("d");
        outbox.offer(d, 0);
        assertThat(d.future()).isNotDone();
        assertThat(outbox.nextDeadline()).isEqualTo(500 * MS);
        assertThat(drain(outbox, 100 * MS)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void wait_failsAfterTheWaitTimeout() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.WAIT));
        for (String s : new String[] {"a", "b", "c"}) {
            outbox.offer(entry(s), 0);
        }
        Outbox.Entry d = entry("d");
        outbox.offer(d, 0);
        outbox.expire(499 * MS);
        assertThat(d.future()).isNotDone();
        outbox.expire(500 * MS);
        assertThat(failure(d.future())).isInstanceOf(BackpressureException.class).hasMessageContaining("within 500 ms");
        assertThat(drain(outbox, 500 * MS)).containsExactly("a", "b", "c");
    }

    @Test
    void expiredMessages_areFailedNotSent_andMakeRoomForWaiters() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.WAIT));
        Outbox.Entry a = entry("a", 100 * MS);
        outbox.offer(a, 0);
        outbox.offer(entry("b"), 0);
        outbox.offer(entry("c"), 0);
        Outbox.Entry d = entry("d");
        outbox.offer(d, 0);
        outbox.expire(100 * MS);
        assertThat(failure(a.future())).isInstanceOf(MessageExpiredException.class);
        outbox.expire(600 * MS);
        assertThat(d.future()).as("d was admitted when a expired").isNotDone();
        assertThat(drain(outbox, 600 * MS)).containsExactly("b", "c", "d");
    }

    @Test
    void poll_skipsExpiredEntries() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.FAIL));
        Outbox.Entry a = entry("a", 10 * MS);
        outbox.offer(a, 0);
        outbox.offer(entry("b"), 0);
        assertThat(drain(outbox, 10 * MS)).containsExactly("b");
        assertThat(a.future()).isCompletedExceptionally();
    }

    @Test
    void failAll_failsEveryFuture() {
        Outbox outbox = new Outbox(config(OutboxConfig.Overflow.WAIT));
        List<Outbox.Entry> entries = new ArrayList<>();
        for (String s : new String[] {"a", "b", "c", "d"}) {
            Outbox.Entry e = entry(s);
            entries.add(e);
            outbox.offer(e, 0);
        }
        IllegalStateException cause = new IllegalStateException("closed");
        outbox.failAll(cause);
        assertThat(entries).allSatisfy(e -> assertThat(failure(e.future())).isSameAs(cause));
        assertThat(outbox.size()).isZero();
    }
}
