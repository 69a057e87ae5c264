package io.tether.redis;

import static io.tether.redis.Sessions.created;
import static io.tether.redis.Sessions.join;
import static io.tether.redis.Sessions.newId;
import static io.tether.redis.Sessions.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.server.store.SessionStore;
import io.tether.server.store.StoreUnavailableException;
import io.tether.testkit.services.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shared connection: Redis gone, frozen, not there yet — operations fail with
 * {@link StoreUnavailableException} within a bound, and the same store works again once Redis is
 * back, without being reopened; operations issued while it connects keep their order; the scripts
 * are in Redis once it is open.
 */
@Tag("integration")
class RedisConnectionTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** A failing operation must have failed by then: its one command's timeout, and as much again. */
    private static final Duration BOUND = TIMEOUT.multipliedBy(2);
    private static final RedisStoreConfig CONFIG = RedisStoreConfig.builder().commandTimeout(TIMEOUT)
            .maxReconnectDelay(Duration.ofMillis(200)).build();

    private RedisServer redis;
    private RedisSessionStores stores;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() {
        if (stores != null) {
            stores.close();
        }
        redis.close();
    }

    @Test
    void redisKilled_everyOperationFailsWithinTheBound_andAfterARestartTheSameStoreWorksAgain() {
        stores = RedisSessionStores.connect(redis.uri(), CONFIG);
        SessionStore store = stores.open("/outage");
        String id = newId();
        assertThat(join(store.create(created(id)))).isTrue();

        redis.kill();
        assertUnavailable(() -> store.load(id));
        assertUnavailable(() -> store.append(id, 1, text(1, "a")));
        assertUnavailable(() -> store.claim(id, Sessions.bytes("t0"), Sessions.bytes("t1"), "node-b"));
        assertUnavailable(() -> store.create(created(newId())));
        assertUnavailable(() -> store.takeExpired(Sessions.NOW, 10));
        assertUnavailable(store::count);

        redis.restart();
        String after = newId();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> succeeds(store.create(created(after))));
        join(store.append(after, 1, text(1, "back")));
        assertThat(join(store.load(after)).orElseThrow().outboundLastSeq()).isEqualTo(1);
        assertThat(join(store.load(id))).as("redis-server ran without persistence: the old session is gone").isEmpty();
    }

    @Test
    void redisFrozen_anOperationInFlightFailsWithinTheBound_andThawedItWorksAgain() throws Exception {
        stores = RedisSessionStores.connect(redis.uri(), CONFIG);
        SessionStore store = stores.open("/frozen");
        String id = newId();
        assertThat(join(store.create(created(id)))).isTrue();
        signal("STOP");
        try {
            assertUnavailable(() -> store.append(id, 1, text(1, "a")));
        } finally {
            signal("CONT");
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> succeeds(store.load(id)));
        join(store.recordInbound(id, 1, 1, 1));
    }

    @Test
    void redisDownAtConnect_operationsFail_untilItComesUp() {
        redis.stop();
        stores = RedisSessionStores.connect(redis.uri(), CONFIG);
        SessionStore store = stores.open("/late");
        assertUnavailable(() -> store.create(created(newId())));
        assertUnavailable(store::count);

        redis.restart();
        String id = newId();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> succeeds(store.create(created(id))));
        assertThat(join(store.load(id))).isPresent();
    }

    @Test
    void operationsIssuedWhileConnecting_reachRedisInTheOrderIssued() {
        stores = RedisSessionStores.connect(redis.uri(), CONFIG);
        SessionStore store = stores.open("/order");
        String id = newId();
        CompletionStage<Boolean> create = store.create(created(id));
        List<CompletionStage<Void>> appends = new ArrayList<>();
        for (int seq = 1; seq <= 200; seq++) {
            appends.add(store.append(id, 1, text(seq, "m" + seq)));
        }
        assertThat(join(create)).isTrue();
        appends.forEach(Sessions::join);
        assertThat(join(store.load(id)).orElseThrow().outbound()).extracting(m -> new String(m.payload()))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 200).mapToObj(seq -> "m" + seq).toList());
    }

    @Test
    void theScriptsAreLoadedWhenTheConnectionOpens_soTheirFirstUseIsAnEvalshaHit() {
        stores = RedisSessionStores.connect(redis.uri(), CONFIG);
        SessionStore store = stores.open("/preloaded");
        join(store.count());
        CommandStats.reset(redis);
        join(store.load(newId()));
        assertThat(CommandStats.read(redis)).containsEntry("evalsha", 1L).doesNotContainKey("eval");
    }

    @Test
    void afterClose_operationsFailAtOnce() {
        stores = RedisSessionStores.connect(redis.uri(), CONFIG);
        SessionStore store = stores.open("/closed");
        SessionStore other = stores.open("/other");
        store.close();
        assertUnavailable(() -> store.load(newId()));
        assertThat(join(other.load(newId()))).as("closing one namespace leaves the connection open").isEmpty();
        stores.close();
        assertUnavailable(() -> other.load(newId()));
    }

    private static void assertUnavailable(Supplier<CompletionStage<?>> operation) {
        CompletionStage<?> stage = operation.get();
        try {
            stage.toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
            return;
        } catch (Exception e) {
            throw new AssertionError("the operation neither failed nor completed within " + BOUND.toMillis() + " ms", e);
        }
        throw new AssertionError("the operation succeeded without Redis");
    }

    private static boolean succeeds(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** SIGSTOP / SIGCONT to the redis-server process, by its PID. */
    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(redis.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
