package io.tether.redis.internal;

import static io.tether.redis.internal.StateCodec.number;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.tether.server.store.SessionState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code takeExpired} across nodes. The index (16 sorted sets, member id, score deadline) only
 * names candidates; for each, {@code expire.lua} decides on the session's own slot, atomically with
 * the delete, whether its deadline is still at or before now — a claim since then removed the
 * deadline, a later detach moved it — so of all the nodes sweeping at once exactly one takes each
 * session. Entries found stale are then corrected (removed, or moved to the session's current
 * deadline) by {@code index.lua}, which changes an entry only if its score is still the one read, so
 * a detach writing a new deadline meanwhile wins. At most {@code max} sessions are taken: the
 * candidates, earliest first, are tried in rounds of as many as may still be taken.
 */
final class ExpirySweep {
    private static final Logger log = LoggerFactory.getLogger(ExpirySweep.class);
    private static final byte[] REMOVE_ENTRY = new byte[0];

    private final Keys keys;

    ExpirySweep(Keys keys) {
        this.keys = keys;
    }

    private record Candidate(String id, double score) {
    }

    /** One sweep: 16 ZRANGEBYSCOREs, then per candidate one script and at most two commands. */
    CompletableFuture<List<SessionState>> take(RedisClusterAsyncCommands<byte[], byte[]> redis, long now, int max) {
        List<CompletableFuture<List<ScoredValue<byte[]>>>> reads = new ArrayList<>(Keys.BUCKETS);
        Range<Long> due = Range.from(Range.Boundary.unbounded(), Range.Boundary.including(now));
        for (int k = 0; k < Keys.BUCKETS; k++) {
            reads.add(redis.zrangebyscoreWithScores(keys.bucket(k), due, Limit.create(0, max)).toCompletableFuture());
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(x -> {
            List<Candidate> candidates = new ArrayList<>();
            for (CompletableFuture<List<ScoredValue<byte[]>>> read : reads) {
                for (ScoredValue<byte[]> entry : read.join()) {
                    candidates.add(new Candidate(new String(entry.getValue(), StandardCharsets.UTF_8), entry.getScore()));
                }
            }
            candidates.sort(Comparator.comparingDouble(Candidate::score));
            return rounds(redis, candidates, 0, now, max, new ArrayList<>(), null);
        });
    }

    /**
     * Tries candidates from {@code next} on, as many at once as may still be taken. A candidate whose
     * script failed is left for a later sweep; the sweep fails only if it took nothing.
     */
    private CompletableFuture<List<SessionState>> rounds(RedisClusterAsyncCommands<byte[], byte[]> redis,
            List<Candidate> candidates, int next, long now, int max, List<SessionState> taken,
            @Nullable Throwable firstFailure) {
        int room = max - taken.size();
        if (room <= 0 || next >= candidates.size()) {
            if (taken.isEmpty() && firstFailure != null) {
                return CompletableFuture.failedFuture(firstFailure);
            }
            return CompletableFuture.completedFuture(taken);
        }
        List<Candidate> round = candidates.subList(next, Math.min(candidates.size(), next + room));
        List<CompletableFuture<Optional<SessionState>>> tries = new ArrayList<>(round.size());
        for (Candidate c : round) {
            tries.add(tryOne(redis, c, now));
        }
        return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new)).handle((x, e) -> null).thenCompose(x -> {
            Throwable failure = firstFailure;
            for (CompletableFuture<Optional<SessionState>> t : tries) {
                if (t.isCompletedExceptionally()) {
                    Throwable cause = Failures.unwrap(t.handle((v, err) -> err).join());
                    failure = failure == null ? cause : failure;
                } else {
                    t.join().ifPresent(taken::add);
                }
            }
            return rounds(redis, candidates, next + round.size(), now, max, taken, failure);
        });
    }

    private CompletableFuture<Optional<SessionState>> tryOne(RedisClusterAsyncCommands<byte[], byte[]> redis,
            Candidate c, long now) {
        byte[][] sessionKeys = {keys.session(c.id()), keys.outbound(c.id())};
        return Scripts.EXPIRE.<List<Object>>run(redis, sessionKeys, number(now)).whenComplete((reply, e) -> {
            if (e != null) {
                log.warn("expiry of session {} failed ({}); if Redis ran the script before failing, the session is"
                        + " gone without being reported", c.id(), Failures.unwrap(e).toString());
            }
        }).thenCompose(reply -> {
            String verdict = new String(StateCodec.bytes(reply.get(0)), StandardCharsets.US_ASCII);
            byte[] member = StateCodec.text(c.id());
            byte[] bucket = keys.bucketOf(c.id());
            return switch (verdict) {
                case "taken" -> {
                    SessionState last = StateCodec.state(c.id(), reply, 1);
                    yield bookkeeping(CompletableFuture.allOf(
                                    redis.zrem(bucket, member).toCompletableFuture(),
                                    redis.decr(keys.counter()).toCompletableFuture(),
                                    redis.srem(keys.owned(last.owner()), member).toCompletableFuture()), c)
                            .thenApply(x -> Optional.of(last));
                }
                case "later" -> correct(redis, bucket, member, c, StateCodec.bytes(reply.get(1)));
                case "gone", "attached" -> correct(redis, bucket, member, c, REMOVE_ENTRY);
                default -> throw new IllegalStateException("expire.lua answered " + verdict);
            };
        });
    }

    /** index.lua: the entry moves to {@code score} (or goes) if it still has the score read. */
    private CompletableFuture<Optional<SessionState>> correct(RedisClusterAsyncCommands<byte[], byte[]> redis,
            byte[] bucket, byte[] member, Candidate c, byte[] score) {
        byte[] read = StateCodec.number((long) c.score());
        return bookkeeping(Scripts.INDEX.run(redis, new byte[][] {bucket}, member, read, score), c)
                .thenApply(x -> Optional.empty());
    }

    /**
     * Index and counter upkeep after the decision, which stands: a failure leaves a stale entry (a
     * later sweep corrects it) or makes count() drift by one; logged.
     */
    private static CompletableFuture<Void> bookkeeping(CompletableFuture<?> command, Candidate c) {
        return command.handle((x, e) -> {
            if (e != null) {
                log.warn("expiry index or counter upkeep for session {} failed; count() may be off by one: {}", c.id(),
                        Failures.unwrap(e).toString());
            }
            return null;
        });
    }
}
