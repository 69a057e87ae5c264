package io.tether.redis.internal;

import static io.tether.redis.internal.StateCodec.number;
import static io.tether.redis.internal.StateCodec.sha256;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.tether.server.store.SessionState;
import io.tether.server.store.SessionStore;
import io.tether.server.store.StoreUnavailableException;
import io.tether.server.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace's sessions on the shared {@link RedisLink}: each operation is one Lua script on the
 * session's slot (fenced by epoch, atomic), and a few are followed by one index or counter command
 * on another slot (see {@link io.tether.redis.RedisSessionStores} for the list). Closing it refuses
 * further operations; the link stays open. Thread-safe; stages complete on Lettuce's I/O threads.
 */
public final class RedisSessionStore implements SessionStore {
    private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);
    private static final byte[] NONE = new byte[0];

    private final RedisLink link;
    private final Keys keys;
    private final byte[] graceMillis;
    private final ExpirySweep sweep;
    private final LeaseSweep leases;
    private volatile boolean closed;

    public RedisSessionStore(RedisLink link, String prefix, String namespace, Duration expiryGrace) {
        this.link = link;
        this.keys = new Keys(prefix, namespace);
        this.graceMillis = number(expiryGrace.toMillis());
        this.sweep = new ExpirySweep(keys);
        this.leases = new LeaseSweep(keys, graceMillis);
    }

    @Override
    public CompletionStage<Boolean> create(SessionState session) {
        Objects.requireNonNull(session, "session");
        String id = session.id();
        List<StoredMessage> out = session.outbound();
        // The list keeps no seqs (they follow from acked): the messages must be exactly acked+1..lastSeq.
        boolean consecutive = out.size() == session.outboundLastSeq() - session.outboundAcked();
        for (int i = 0; consecutive && i < out.size(); i++) {
            consecutive = out.get(i).seq() == session.outboundAcked() + 1 + i;
        }
        if (!consecutive) {
            return failed(new IllegalArgumentException("session " + id + ": the outbound messages must be seq "
                    + (session.outboundAcked() + 1) + " to " + session.outboundLastSeq() + ", in order"));
        }
        byte[][] args = new byte[9 + out.size()][];
        args[0] = sha256(session.token());
        args[1] = session.previousToken() == null ? NONE : sha256(session.previousToken());
        args[2] = number(session.epoch());
        args[3] = StateCodec.text(session.owner());
        args[4] = number(session.ttl().toMillis());
        args[5] = number(session.outboundLastSeq());
        args[6] = number(session.outboundAcked());
        args[7] = number(session.inboundDelivering());
        args[8] = number(session.inboundDelivered());
        for (int i = 0; i < out.size(); i++) {
            args[9 + i] = StateCodec.message(out.get(i));
        }
        return run(id, 0, redis -> withOwnerNoted(redis, session.owner(), id,
                        () -> Scripts.CREATE.<Long>run(redis, sessionKeys(id), args))
                .thenCompose(created -> created == 1
                        ? afterwards(redis.incr(keys.counter()).toCompletableFuture(), "count the new session " + id)
                                .thenApply(x -> true)
                        : CompletableFuture.completedFuture(false)));
    }

    @Override
    public CompletionStage<Optional<SessionState>> claim(String id, byte[] presentedToken, byte[] newToken, String owner) {
        Objects.requireNonNull(id, "id");
        byte[] presented = Objects.requireNonNull(presentedToken, "presentedToken").clone();
        byte[] next = Objects.requireNonNull(newToken, "newToken").clone();
        byte[][] args = {sha256(presented), sha256(next), StateCodec.text(Objects.requireNonNull(owner, "owner"))};
        return run(id, 0, redis -> withOwnerNoted(redis, owner, id,
                        () -> Scripts.CLAIM.<List<Object>>run(redis, sessionKeys(id), args))
                .thenCompose(reply -> {
                    if (reply.isEmpty()) {
                        return CompletableFuture.completedFuture(Optional.<SessionState>empty());
                    }
                    String previous = new String(StateCodec.bytes(reply.get(0)), StandardCharsets.UTF_8);
                    SessionState claimed = StateCodec.withTokens(StateCodec.state(id, reply, 1), next, presented);
                    if (previous.equals(owner)) {
                        return CompletableFuture.completedFuture(Optional.of(claimed));
                    }
                    return afterwards(redis.srem(keys.owned(previous), StateCodec.text(id)).toCompletableFuture(),
                            "drop session " + id + " from its previous owner's set")
                            .thenApply(x -> Optional.of(claimed));
                }));
    }

    @Override
    public CompletionStage<Void> confirmToken(String id, long epoch) {
        return write(id, epoch, Scripts.CONFIRM, number(epoch));
    }

    @Override
    public CompletionStage<Void> append(String id, long epoch, List<StoredMessage> messages) {
        Objects.requireNonNull(id, "id");
        byte[][] args = new byte[2 + messages.size()][];
        args[0] = number(epoch);
        args[1] = number(messages.isEmpty() ? 0 : messages.get(0).seq());
        for (int i = 0; i < messages.size(); i++) {
            StoredMessage m = messages.get(i);
            if (m.seq() != messages.get(0).seq() + i) {
                return failed(new IllegalArgumentException("session " + id + ": appended seq " + m.seq() + " where "
                        + (messages.get(0).seq() + i) + " comes next"));
            }
            args[2 + i] = StateCodec.message(m);
        }
        return write(id, epoch, Scripts.APPEND, args);
    }

    @Override
    public CompletionStage<Void> acknowledge(String id, long epoch, long upTo) {
        return write(id, epoch, Scripts.ACK, number(epoch), number(upTo));
    }

    @Override
    public CompletionStage<Void> recordInbound(String id, long epoch, long delivering, long delivered) {
        if (delivered > delivering) {
            return failed(new IllegalArgumentException("delivered " + delivered + " beyond delivering " + delivering));
        }
        return write(id, epoch, Scripts.INBOUND, number(epoch), number(delivering), number(delivered));
    }

    /** The deadline goes into the session (fenced), then into the index: an entry never precedes it. */
    @Override
    public CompletionStage<Void> detach(String id, long epoch, long expiresAtMillis) {
        Objects.requireNonNull(id, "id");
        return run(id, epoch, redis -> Scripts.DETACH.run(redis, sessionKeys(id), number(epoch),
                        number(expiresAtMillis), graceMillis)
                .thenCompose(x -> redis.zadd(keys.bucketOf(id), (double) expiresAtMillis, StateCodec.text(id))
                        .toCompletableFuture())
                .thenApply(x -> null));
    }

    @Override
    public CompletionStage<List<SessionState>> takeExpired(long nowMillis, int max) {
        if (max <= 0) {
            return CompletableFuture.completedFuture(List.<SessionState>of()).minimalCompletionStage();
        }
        return run(null, 0, redis -> sweep.take(redis, nowMillis, max));
    }

    /** One ZADD into the namespace's leases. */
    @Override
    public CompletionStage<Void> renewLease(String node, long expiresAtMillis) {
        Objects.requireNonNull(node, "node");
        return run(null, 0, redis -> redis.zadd(keys.leases(), (double) expiresAtMillis, StateCodec.text(node))
                .toCompletableFuture().thenApply(x -> null));
    }

    @Override
    public CompletionStage<Integer> orphan(long nowMillis, int max) {
        if (max <= 0) {
            return CompletableFuture.completedFuture(0).minimalCompletionStage();
        }
        return run(null, 0, redis -> leases.orphan(redis, nowMillis, max));
    }

    @Override
    public CompletionStage<Optional<SessionState>> load(String id) {
        Objects.requireNonNull(id, "id");
        return run(id, 0, redis -> Scripts.LOAD.<List<Object>>run(redis, sessionKeys(id))
                .thenApply(reply -> reply.isEmpty() ? Optional.empty() : Optional.of(StateCodec.state(id, reply, 0))));
    }

    @Override
    public CompletionStage<Boolean> remove(String id, long epoch) {
        Objects.requireNonNull(id, "id");
        return run(id, epoch, redis -> Scripts.REMOVE.<List<Object>>run(redis, sessionKeys(id), number(epoch))
                .thenCompose(removed -> removed.isEmpty() ? CompletableFuture.completedFuture(false)
                        : afterwards(CompletableFuture.allOf(redis.decr(keys.counter()).toCompletableFuture(),
                                redis.zrem(keys.bucketOf(id), StateCodec.text(id)).toCompletableFuture(),
                                redis.srem(keys.owned(new String(StateCodec.bytes(removed.get(0)), StandardCharsets.UTF_8)),
                                        StateCodec.text(id)).toCompletableFuture()),
                                "uncount the removed session " + id).thenApply(x -> true)));
    }

    /** The namespace's counter: one GET. Approximate, see {@link io.tether.redis.RedisSessionStores}. */
    @Override
    public CompletionStage<Long> count() {
        return run(null, 0, redis -> redis.get(keys.counter()).toCompletableFuture()
                .thenApply(n -> n == null ? 0L : Math.max(0L, number(n))));
    }

    /** True: the state is in Redis, for every node. */
    @Override
    public boolean shared() {
        return true;
    }

    /** Refuses further operations (they fail with {@link StoreUnavailableException}); the link stays open. */
    @Override
    public void close() {
        closed = true;
    }

    /**
     * {@code script} (a create or claim making {@code node} the owner of {@code id}), issued right
     * after an SADD noting {@code id} in {@code node}'s set, without waiting for it: so the script
     * keeps its place in the order of the session's writes, and a node dying right after it still
     * leaves the session to be orphaned (on one Redis server the SADD is applied first; on a
     * cluster it goes to another master at the same time). An entry for a create or claim that then
     * does not happen is stale and harmless (orphan.lua checks the owner); a failed SADD is logged.
     */
    private <T> CompletableFuture<T> withOwnerNoted(RedisClusterAsyncCommands<byte[], byte[]> redis, String node,
            String id, Supplier<CompletableFuture<T>> script) {
        CompletableFuture<Void> noted = afterwards(redis.sadd(keys.owned(Objects.requireNonNull(node, "owner")),
                StateCodec.text(id)).toCompletableFuture(), "note session " + id + " in the set of its owner " + node);
        return script.get().thenCombine(noted, (result, x) -> result);
    }

    private byte[][] sessionKeys(String id) {
        return new byte[][] {keys.session(id), keys.outbound(id)};
    }

    private CompletionStage<Void> write(String id, long epoch, Script script, byte[]... args) {
        Objects.requireNonNull(id, "id");
        return run(id, epoch, redis -> script.run(redis, sessionKeys(id), args).thenApply(x -> null));
    }

    /**
     * Runs {@code operation} once the link is open; its failure is mapped to what it means to the
     * caller (for session {@code id} at {@code epoch}, when about one session).
     */
    private <T> CompletionStage<T> run(@Nullable String id, long epoch,
            Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> operation) {
        if (closed) {
            return failed(new StoreUnavailableException("the session store of this namespace is closed",
                    new IllegalStateException("closed")));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        link.run(operation).whenComplete((value, e) -> {
            if (e == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(Failures.map(e, id, epoch, link.timeout()));
            }
        });
        return result.minimalCompletionStage();
    }

    /**
     * A bookkeeping command after the session's change (counter, index): the change is done, so its
     * failure does not fail the operation; it makes {@link #count()} drift and is logged.
     */
    private static CompletableFuture<Void> afterwards(CompletableFuture<?> command, String what) {
        return command.handle((x, e) -> {
            if (e != null) {
                log.warn("could not {} in Redis; count() may be off by one, or an owner's set keep a stale id: {}", what,
                        Failures.unwrap(e).toString());
            }
            return null;
        });
    }

    private static <T> CompletionStage<T> failed(Throwable e) {
        return CompletableFuture.<T>failedFuture(e).minimalCompletionStage();
    }
}
