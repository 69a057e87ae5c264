package io.tether.redis;

import static io.tether.redis.Sessions.NOW;
import static io.tether.redis.Sessions.bytes;
import static io.tether.redis.Sessions.created;
import static io.tether.redis.Sessions.join;
import static io.tether.redis.Sessions.newId;
import static io.tether.redis.Sessions.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.tether.server.store.SessionState;
import io.tether.server.store.SessionStore;
import io.tether.testkit.services.RedisCluster;
import io.tether.testkit.services.RedisServer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** On a 3-master Redis Cluster: where a session's keys live, and namespaces. */
@Tag("integration")
class RedisClusterKeysTest {
    private static RedisCluster cluster;
    private static RedisSessionStores stores;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        stores = RedisSessionStores.connect(cluster.uri());
    }

    @AfterAll
    static void stop() {
        stores.close();
        cluster.close();
    }

    @Test
    void aSessionsKeys_areInOneSlot_asTheClusterComputesIt_andSessionsSpreadOverEveryMaster() {
        String namespace = "/slots-" + UUID.randomUUID();
        SessionStore store = stores.open(namespace);
        RedisServer any = cluster.nodes().get(0);
        Set<Object> masters = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String id = newId();
            join(store.create(created(id)));
            join(store.append(id, 1, text(1, "a")));
            String session = "tether:{" + namespace + ":" + id + "}:s";
            String outbound = "tether:{" + namespace + ":" + id + "}:out";
            Object slot = any.command("CLUSTER", "KEYSLOT", session);
            assertThat(any.command("CLUSTER", "KEYSLOT", outbound)).isEqualTo(slot);
            RedisServer owner = ownerOf(session);
            assertThat(owner.command("EXISTS", session, outbound)).as("both keys on the master of slot %s", slot)
                    .isEqualTo(2L);
            masters.add(owner.port());
        }
        assertThat(masters).as("30 sessions on 3 masters").hasSize(3);
    }

    @Test
    void namespaces_neverSeeEachOthersSessions() {
        SessionStore a = stores.open("/a-" + UUID.randomUUID());
        SessionStore b = stores.open("/b-" + UUID.randomUUID());
        String id = newId();
        join(a.create(created(id)));
        join(a.detach(id, 1, NOW));
        assertThat(join(b.load(id))).isEmpty();
        assertThat(join(b.claim(id, bytes("t0"), bytes("t1"), "node-b"))).isEmpty();
        assertThat(join(b.takeExpired(NOW, 100))).isEmpty();
        assertThat(join(b.create(created(id)))).isTrue();
        assertThat(join(a.takeExpired(NOW, 100))).extracting(SessionState::id).containsExactly(id);
        assertThat(join(b.load(id))).isPresent();
    }

    /** The master that holds {@code key}: the node that answers EXISTS without a MOVED. */
    private static RedisServer ownerOf(String key) {
        List<RedisServer> masters = cluster.masters();
        for (RedisServer node : masters) {
            try {
                node.command("EXISTS", key);
                return node;
            } catch (RuntimeException moved) {
                // MOVED: another master has the slot
            }
        }
        throw new AssertionError("no master serves " + key);
    }
}
