package io.tether.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.server.store.SessionStore;
import io.tether.server.store.SessionStoreContract;
import io.tether.testkit.services.RedisCluster;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The store contract on a real Redis Cluster of three masters; each test in a namespace of its own. */
@Tag("integration")
class RedisClusterSessionStoreTest extends SessionStoreContract {
    private static RedisCluster cluster;
    private static RedisSessionStores stores;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
        stores = RedisSessionStores.connect(cluster.uri());
        assertThat(stores.cluster()).isTrue();
    }

    @AfterAll
    static void stopCluster() {
        if (stores != null) {
            stores.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected SessionStore newStore() {
        return stores.open("/contract-" + UUID.randomUUID());
    }

    @Override
    protected byte[] asStored(byte[] token) {
        return RedisSessionStoreTest.sha256(token);
    }
}
