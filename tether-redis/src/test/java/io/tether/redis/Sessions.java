package io.tether.redis;

import io.tether.server.store.SessionState;
import io.tether.server.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the Redis store's own tests. */
final class Sessions {
    static final Duration TTL = Duration.ofMinutes(2);
    /** A fixed "now" of the callers' (injected) clock, as in the contract. */
    static final long NOW = 1_800_000_000_000L;

    private Sessions() {
    }

    static String newId() {
        return "s-" + UUID.randomUUID();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static SessionState created(String id) {
        return SessionState.created(id, bytes("t0"), "node-a", TTL);
    }

    static List<StoredMessage> text(long seq, String text) {
        return List.of(new StoredMessage(seq, false, false, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The stage's value; fails the test when it takes more than 10 s. */
    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("store did not answer within 10 s", e);
        }
    }
}
