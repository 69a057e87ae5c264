package io.tether.redis.internal;

import static io.tether.redis.internal.StateCodec.number;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code orphan} across nodes. The leases (one sorted set per namespace, member node, score lease
 * end) name the dead nodes; each node's set of owned session ids names candidates. For each,
 * {@code orphan.lua} decides on the session's own slot whether the dead node still owns it with no
 * deadline, and if so sets the deadline lease end + ttl; then the id goes into the expiry index (as
 * after a detach: the entry never precedes the deadline) and out of the node's set. Entries that
 * are stale (claimed elsewhere, detached, gone) just leave the set. A dead node whose set is empty is
 * forgotten by {@code lease.lua}, unless it renewed its lease since it was read.
 */
final class LeaseSweep {
    private static final Logger log = LoggerFactory.getLogger(LeaseSweep.class);
    /** Dead nodes looked at per call. */
    private static final int NODES = 16;

    private final Keys keys;
    private final byte[] graceMillis;

    LeaseSweep(Keys keys, byte[] graceMillis) {
        this.keys = keys;
        this.graceMillis = graceMillis;
    }

    /** One call: 1 ZRANGEBYSCORE, then per dead node 1 SRANDMEMBER and per candidate 1 script and up to 2 commands. */
    CompletableFuture<Integer> orphan(RedisClusterAsyncCommands<byte[], byte[]> redis, long now, int max) {
        Range<Long> ended = Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(now));
        return redis.zrangebyscoreWithScores(keys.leases(), ended, Limit.create(0, NODES)).toCompletableFuture()
                .thenCompose(dead -> nodes(redis, dead, 0, max, 0));
    }

    /** The dead nodes from {@code next} on, one after another, while fewer than {@code max} candidates were tried. */
    private CompletableFuture<Integer> nodes(RedisClusterAsyncCommands<byte[], byte[]> redis,
            List<ScoredValue<byte[]>> dead, int next, int room, int orphaned) {
        if (room <= 0 || next >= dead.size()) {
            return CompletableFuture.completedFuture(orphaned);
        }
        String node = new String(dead.get(next).getValue(), StandardCharsets.UTF_8);
        long leaseEnd = (long) dead.get(next).getScore();
        byte[] owned = keys.owned(node);
        return redis.srandmember(owned, room).toCompletableFuture().thenCompose(ids -> {
            if (ids.isEmpty()) {
                return Scripts.LEASE.<Long>run(redis, new byte[][] {keys.leases(), owned}, StateCodec.text(node),
                                number(leaseEnd))
                        .thenCompose(x -> nodes(redis, dead, next + 1, room, orphaned));
            }
            return node(redis, node, leaseEnd, ids)
                    .thenCompose(n -> nodes(redis, dead, next + 1, room - ids.size(), orphaned + n));
        });
    }

    /** The candidates of one dead node, at once; how many got a deadline. */
    private CompletableFuture<Integer> node(RedisClusterAsyncCommands<byte[], byte[]> redis, String node,
            long leaseEnd, List<byte[]> ids) {
        List<CompletableFuture<Boolean>> tries = new ArrayList<>(ids.size());
        for (byte[] member : ids) {
            tries.add(tryOne(redis, node, leaseEnd, member));
        }
        return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new))
                .thenApply(x -> (int) tries.stream().filter(CompletableFuture::join).count());
    }

    private CompletableFuture<Boolean> tryOne(RedisClusterAsyncCommands<byte[], byte[]> redis, String node,
            long leaseEnd, byte[] member) {
        String id = new String(member, StandardCharsets.UTF_8);
        byte[][] sessionKeys = {keys.session(id), keys.outbound(id)};
        return Scripts.ORPHAN.<Long>run(redis, sessionKeys, StateCodec.text(node), number(leaseEnd), graceMillis)
                .thenCompose(deadline -> {
                    // Negative: still the dead node's, with a deadline (set by an earlier try whose
                    // ZADD may have failed, or by a detach): indexed again, which changes nothing if it was.
                    CompletableFuture<?> indexed = deadline != 0
                            ? redis.zadd(keys.bucketOf(id), (double) Math.abs(deadline), member).toCompletableFuture()
                            : CompletableFuture.completedFuture(null);
                    // Out of the set only once the index has it: a failure here leaves it for another try.
                    return indexed.thenCompose(x -> redis.srem(keys.owned(node), member).toCompletableFuture())
                            .thenApply(x -> deadline > 0);
                })
                .whenComplete((x, e) -> {
                    if (e != null) {
                        log.warn("orphaning session {} of dead node {} failed; a later sweep tries again: {}", id, node,
                                Failures.unwrap(e).toString());
                    }
                });
    }
}
