package io.tether.redis;

import static io.tether.redis.Sessions.created;
import static io.tether.redis.Sessions.join;
import static io.tether.redis.Sessions.newId;
import static io.tether.redis.Sessions.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.server.store.SessionStore;
import io.tether.server.store.StoreUnavailableException;
import io.tether.testkit.services.RedisCluster;
import io.tether.testkit.services.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A master of a 3 × (master + replica) cluster crashes: its replica takes over, and the store follows. */
@Tag("integration")
class RedisClusterFailoverTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private RedisCluster cluster;
    private RedisSessionStores stores;

    @AfterEach
    void stop() {
        if (stores != null) {
            stores.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aMasterCrashes_itsSlotsFailFast_thenThePromotedReplicaServesThem_withTheScriptsAndTheSessions() {
        cluster = RedisCluster.start(RedisCluster.Options.builder().masters(3).replicasPerMaster(1).build());
        stores = RedisSessionStores.connect(cluster.uri(), RedisStoreConfig.builder().commandTimeout(TIMEOUT)
                .maxReconnectDelay(Duration.ofMillis(200)).build());
        SessionStore store = stores.open("/failover");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String id = newId();
            join(store.create(created(id)));
            join(store.append(id, 1, text(1, "before")));
            ids.add(id);
        }
        RedisServer victim = cluster.masters().get(0);
        RedisServer replica = cluster.replicasOf(victim).get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> offset(replica, "slave_repl_offset") >= offset(victim, "master_repl_offset"));

        cluster.kill(victim);
        CommandStats.reset(replica);
        List<String> unavailable = new ArrayList<>();
        for (String id : ids) {
            try {
                store.load(id).toCompletableFuture().get(TIMEOUT.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
                unavailable.add(id);
            } catch (Exception e) {
                throw new AssertionError("load neither failed nor completed within twice the timeout", e);
            }
        }
        assertThat(unavailable).as("the sessions on the crashed master").isNotEmpty().hasSizeLessThan(ids.size());

        cluster.awaitOk();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> ids.stream()
                .allMatch(id -> loads(store, id)));
        for (String id : ids) {
            join(store.append(id, 1, text(2, "after")));
            assertThat(join(store.load(id)).orElseThrow().outboundLastSeq()).isEqualTo(2);
        }
        assertThat(CommandStats.read(replica)).as("the scripts were loaded on the replica when the link opened")
                .containsKey("evalsha").doesNotContainKey("eval");
    }

    private static boolean loads(SessionStore store, String id) {
        try {
            Optional<?> state = store.load(id).toCompletableFuture().get(2, TimeUnit.SECONDS);
            assertThat(state).as("session %s survived the failover", id).isPresent();
            return true;
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long offset(RedisServer node, String field) {
        for (String line : String.valueOf(node.command("INFO", "replication")).split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        return -1;
    }
}
