package io.tether.redis;

import io.tether.server.store.SessionStore;
import io.tether.server.store.SessionStoreContract;
import io.tether.testkit.services.RedisServer;
import java.security.MessageDigest;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The store contract on one real redis-server; each test in a namespace of its own. */
@Tag("integration")
class RedisSessionStoreTest extends SessionStoreContract {
    private static RedisServer redis;
    private static RedisSessionStores stores;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        stores = RedisSessionStores.connect(redis.uri());
    }

    @AfterAll
    static void stopRedis() {
        if (stores != null) {
            stores.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected SessionStore newStore() {
        return stores.open("/contract-" + UUID.randomUUID());
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
