package io.tether.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.tether.server.store.SessionMovedException;
import io.tether.server.store.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * What a failed Redis call means to a {@link io.tether.server.store.SessionStore} caller. The
 * scripts refuse with error replies of their own ({@code TETHER_GONE …}, {@code TETHER_FENCED epoch
 * owner}, {@code TETHER_SEQ …}, {@code TETHER_ACK …}; none starts like a cluster redirection);
 * everything else — a timeout, a lost or refused connection, an error Redis raised (OOM, READONLY,
 * CLUSTERDOWN, …) — means the store cannot be used now.
 */
final class Failures {
    private Failures() {
    }

    /**
     * The exception to fail the stage of an operation on {@code id} (null: not about one session)
     * with. {@link SessionMovedException}, {@link IllegalArgumentException} and
     * {@link StoreUnavailableException} pass as they are.
     */
    static RuntimeException map(Throwable failure, @Nullable String id, long epoch, Duration timeout) {
        Throwable e = unwrap(failure);
        if (e instanceof SessionMovedException || e instanceof IllegalArgumentException
                || e instanceof StoreUnavailableException) {
            return (RuntimeException) e;
        }
        if (e instanceof RedisCommandExecutionException && e.getMessage() != null && id != null) {
            RuntimeException refusal = refusal(e.getMessage(), id, epoch);
            if (refusal != null) {
                return refusal;
            }
        }
        if (e instanceof RedisCommandTimeoutException) {
            return new StoreUnavailableException("Redis did not answer within " + timeout.toMillis() + " ms", e);
        }
        return new StoreUnavailableException("Redis cannot be used: " + e, e);
    }

    private static @Nullable RuntimeException refusal(String reply, String id, long epoch) {
        // Redis puts "ERR " before an error reply that does not start with a code of its own.
        String message = reply.startsWith("ERR ") ? reply.substring(4) : reply;
        if (message.startsWith("TETHER_GONE ")) {
            return new SessionMovedException(id, "session " + id + " no longer exists");
        }
        if (message.startsWith("TETHER_FENCED ")) {
            String[] parts = message.split(" ", 3);
            return new SessionMovedException(id, "session " + id + " is owned by " + parts[2] + " at epoch " + parts[1]
                    + ", not epoch " + epoch);
        }
        if (message.startsWith("TETHER_SEQ ") || message.startsWith("TETHER_ACK ")) {
            return new IllegalArgumentException("session " + id + ": " + message.substring(11));
        }
        return null;
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
