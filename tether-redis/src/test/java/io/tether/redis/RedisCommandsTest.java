package io.tether.redis;

import static io.tether.redis.Sessions.NOW;
import static io.tether.redis.Sessions.TTL;
import static io.tether.redis.Sessions.bytes;
import static io.tether.redis.Sessions.created;
import static io.tether.redis.Sessions.join;
import static io.tether.redis.Sessions.newId;
import static io.tether.redis.Sessions.text;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.tether.server.store.SessionState;
import io.tether.server.store.SessionStore;
import io.tether.testkit.services.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the store does in Redis: the commands each operation costs (counted by Redis itself, INFO
 * commandstats, which also counts the commands a script runs), the script cache, the backstop
 * expiry of detached keys, and namespaces.
 */
@Tag("integration")
class RedisCommandsTest {
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static RedisServer redis;
    private static RedisSessionStores stores;
    private SessionStore store;
    private String prefix;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        stores = RedisSessionStores.connect(redis.uri(), RedisStoreConfig.builder().expiryGrace(GRACE).build());
    }

    @AfterAll
    static void stop() {
        stores.close();
        redis.close();
    }

    @BeforeEach
    void open() {
        String namespace = "/cmd-" + UUID.randomUUID();
        prefix = "tether:{" + namespace + ":";
        store = stores.open(namespace);
    }

    @Test
    void append_acknowledge_recordInbound_costOneEvalshaEach() {
        String id = newId();
        join(store.create(created(id)));
        warmUp();
        assertThat(counted(() -> store.append(id, 1, text(1, "a")))).containsOnly(
                entry("evalsha", 1L), // client → Redis: the one command of the operation
                entry("hmget", 1L), entry("hget", 1L), entry("rpush", 1L), entry("hincrby", 1L),
                entry("pexpiretime", 1L));
        assertThat(counted(() -> store.acknowledge(id, 1, 1))).containsOnly(
                entry("evalsha", 1L), entry("hmget", 2L), entry("ltrim", 1L), entry("hset", 1L));
        assertThat(counted(() -> store.recordInbound(id, 1, 4, 3))).containsOnly(
                entry("evalsha", 1L), entry("hmget", 2L), entry("hset", 2L));
    }

    @Test
    void theOtherOperations_costWhatRedisSessionStoresSays() {
        String id = newId();
        warmUp();
        assertThat(counted(() -> store.create(created(id)))).containsOnly(
                entry("evalsha", 1L), entry("incr", 1L), entry("sadd", 1L), // the owner's set, for orphan
                entry("exists", 1L), entry("hset", 1L), entry("del", 1L));
        assertThat(counted(() -> store.claim(id, bytes("t0"), bytes("t1"), "node-b"))).containsOnly(
                entry("evalsha", 1L), entry("sadd", 1L), entry("srem", 1L), // into node-b's set, out of node-a's
                entry("hmget", 2L), entry("hset", 1L), entry("hincrby", 1L), entry("hdel", 1L),
                entry("persist", 2L), entry("lrange", 1L));
        assertThat(counted(() -> store.confirmToken(id, 2))).containsOnly(
                entry("evalsha", 1L), entry("hmget", 1L), entry("hdel", 1L));
        assertThat(counted(() -> store.load(id))).containsOnly(
                entry("evalsha", 1L), entry("exists", 1L), entry("hmget", 1L), entry("lrange", 1L));
        assertThat(counted(() -> store.detach(id, 2, NOW))).containsOnly(
                entry("evalsha", 1L), entry("zadd", 1L), entry("hmget", 1L), entry("hset", 1L), entry("time", 1L),
                entry("pexpireat", 2L));
        assertThat(counted(() -> store.takeExpired(NOW, 10))).containsOnly(
                entry("zrangebyscore", 16L), entry("evalsha", 1L), entry("zrem", 1L), entry("decr", 1L),
                entry("srem", 1L), entry("hmget", 2L), entry("lrange", 1L), entry("del", 1L));
        assertThat(counted(store::count)).containsOnly(entry("get", 1L));
        String other = newId();
        join(store.create(created(other)));
        assertThat(counted(() -> store.remove(other, 1))).containsOnly(
                entry("evalsha", 1L), entry("decr", 1L), entry("zrem", 1L), entry("srem", 1L), entry("hmget", 1L),
                entry("del", 1L));
    }

    @Test
    void leases_costWhatRedisSessionStoresSays() {
        String id = newId();
        join(store.create(created(id)));
        warmUp();
        assertThat(counted(() -> store.renewLease("node-a", NOW - 1))).containsOnly(entry("zadd", 1L));
        assertThat(counted(() -> store.orphan(NOW, 10))).containsOnly(
                entry("zrangebyscore", 1L), entry("srandmember", 1L), // the dead nodes, then node-a's sessions
                entry("evalsha", 1L), entry("hmget", 1L), entry("hset", 1L), entry("time", 1L),
                entry("pexpireat", 2L), // orphan.lua
                entry("zadd", 1L), entry("srem", 1L)); // into the expiry index, out of node-a's set
        assertThat(counted(() -> store.orphan(NOW, 10))).containsOnly(
                entry("zrangebyscore", 1L), entry("srandmember", 1L), // node-a's set is empty now
                entry("evalsha", 1L), entry("zscore", 1L), entry("scard", 1L), entry("zrem", 1L)); // lease.lua
        assertThat(counted(() -> store.orphan(NOW, 10))).containsOnly(entry("zrangebyscore", 1L));
    }

    @Test
    void aStaleIndexEntry_costsOneIndexScript_andIsCorrected() {
        warmUp();
        String id = newId();
        join(store.create(created(id)));
        join(store.detach(id, 1, NOW));
        join(store.claim(id, bytes("t0"), bytes("t1"), "node-b"));
        assertThat(redis.command("ZSCORE", prefix + "exp:" + bucket(id) + "}", id)).isNotNull();
        assertThat(counted(() -> store.takeExpired(NOW, 10))).containsOnly(
                entry("zrangebyscore", 16L), entry("evalsha", 2L), entry("hmget", 1L), // expire.lua: attached
                entry("zscore", 1L), entry("zrem", 1L)); // index.lua: the entry goes
        assertThat(redis.command("ZSCORE", prefix + "exp:" + bucket(id) + "}", id)).isNull();
    }

    @Test
    void scriptsMissingFromRedis_areSentAgain_withEval() {
        String id = newId();
        join(store.create(created(id)));
        redis.command("SCRIPT", "FLUSH");
        assertThat(counted(() -> store.append(id, 1, text(1, "a")))).contains(entry("evalsha", 1L), entry("eval", 1L));
        assertThat(counted(() -> store.append(id, 1, text(2, "b")))).contains(entry("evalsha", 1L))
                .doesNotContainKey("eval");
        assertThat(join(store.load(id)).orElseThrow().outboundLastSeq()).isEqualTo(2);
    }

    @Test
    void detachedKeys_expireInRedisAGraceAfterTheDeadline_andAClaimKeepsThem() {
        String id = newId();
        join(store.create(created(id)));
        join(store.append(id, 1, text(1, "a")));
        long deadline = NOW + TTL.toMillis();
        join(store.detach(id, 1, deadline));
        assertThat(pexpiretime(id, "s")).isEqualTo(deadline + GRACE.toMillis());
        assertThat(pexpiretime(id, "out")).isEqualTo(deadline + GRACE.toMillis());
        join(store.claim(id, bytes("t0"), bytes("t1"), "node-b"));
        assertThat(pexpiretime(id, "s")).as("attached: kept").isEqualTo(-1L);
        assertThat(pexpiretime(id, "out")).isEqualTo(-1L);
    }

    @Test
    void aListCreatedWhileDetached_getsTheSessionsExpiry_andACallerClockBehindRedisStillGetsTheGrace() {
        String id = newId();
        join(store.create(created(id)));
        long redisNow = Long.parseLong(String.valueOf(((java.util.List<?>) redis.command("TIME")).get(0))) * 1000;
        join(store.detach(id, 1, 1000)); // a caller clock at 1970
        long at = pexpiretime(id, "s");
        assertThat(at).isBetween(redisNow + GRACE.toMillis(), redisNow + GRACE.toMillis() + 60_000);
        assertThat(pexpiretime(id, "out")).as("no list yet").isEqualTo(-2L);
        join(store.append(id, 1, text(1, "while detached")));
        assertThat(pexpiretime(id, "out")).isEqualTo(at);
    }

    @Test
    void namespaces_neverSeeEachOthersSessions() {
        SessionStore other = stores.open("/other-" + UUID.randomUUID());
        String id = newId();
        join(store.create(created(id)));
        join(store.detach(id, 1, NOW));
        assertThat(join(other.load(id))).isEmpty();
        assertThat(join(other.claim(id, bytes("t0"), bytes("t1"), "node-b"))).isEmpty();
        assertThat(join(other.takeExpired(NOW, 100))).isEmpty();
        assertThat(join(other.count())).isZero();
        assertThat(join(other.create(SessionState.created(id, bytes("x"), "node-b", TTL))))
                .as("the same id in another namespace is another session").isTrue();
        assertThat(join(store.takeExpired(NOW, 100))).extracting(SessionState::id).containsExactly(id);
        assertThat(join(other.load(id))).isPresent();
        assertThat(join(store.count())).isZero();
        assertThat(join(other.count())).isEqualTo(1);
    }

    /** Runs every script once, so that the counts see EVALSHA hits only. */
    private void warmUp() {
        String id = newId();
        join(store.create(created(id)));
        join(store.append(id, 1, text(1, "a")));
        join(store.acknowledge(id, 1, 0));
        join(store.recordInbound(id, 1, 0, 0));
        join(store.confirmToken(id, 1));
        join(store.load(id));
        SessionState claimed = join(store.claim(id, bytes("t0"), bytes("w"), "node-a")).orElseThrow();
        join(store.detach(id, claimed.epoch(), NOW - 1));
        join(store.takeExpired(NOW, 100)); // expire.lua
        String stale = newId();
        join(store.create(created(stale)));
        join(store.detach(stale, 1, NOW - 1));
        join(store.claim(stale, bytes("t0"), bytes("t1"), "node-a"));
        join(store.takeExpired(NOW, 100)); // index.lua
        join(store.remove(stale, 2));
    }

    private static Map<String, Long> counted(Supplier<java.util.concurrent.CompletionStage<?>> operation) {
        CommandStats.reset(redis);
        join(operation.get());
        return CommandStats.read(redis);
    }

    private long pexpiretime(String id, String key) {
        return (Long) redis.command("PEXPIRETIME", prefix + id + "}:" + key);
    }

    private static int bucket(String id) {
        return Math.floorMod(id.hashCode(), 16);
    }
}
