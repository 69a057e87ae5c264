package io.tether.redis;

import io.tether.server.store.SessionStore;
import io.tether.server.store.SessionStoreContract;
import java.security.MessageDigest;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on one real redis-server; each test in a namespace of its own. */
@Tag("integration")
class RedisSessionStoreTest extends SessionStoreContract {
    @RegisterExtension
    static final RedisStoresFixture REDIS = RedisStoresFixture.server();

    @Override
    protected SessionStore newStore() {
        return REDIS.stores().open("/contract-" + UUID.randomUUID());
    }

    @Override
    protected byte[] asStored(byte[] token) {
        return sha256(token);
    }

    static byte[] sha256(byte[] token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
