package io.tether.redis;

import io.tether.server.store.SessionStore;
import io.tether.server.store.SessionStoreContract;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real Redis Cluster of three masters; each test in a namespace of its own. */
@Tag("integration")
class RedisClusterSessionStoreTest extends SessionStoreContract {
    @RegisterExtension
    static final RedisStoresFixture REDIS = RedisStoresFixture.cluster();

    @Override
    protected SessionStore newStore() {
        return REDIS.stores().open("/contract-" + UUID.randomUUID());
    }

    @Override
    protected byte[] asStored(byte[] token) {
        return RedisSessionStoreTest.sha256(token);
    }
}
