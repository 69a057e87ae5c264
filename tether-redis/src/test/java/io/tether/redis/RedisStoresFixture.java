package io.tether.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testkit.services.RedisCluster;
import io.tether.testkit.services.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server or a 3-master Redis Cluster for one test class, with {@link RedisSessionStores}
 * connected to it: started before the class's tests, stopped (by PID) after them. Register it as a
 * static field with {@code @RegisterExtension}.
 */
final class RedisStoresFixture implements BeforeAllCallback, AfterAllCallback {
    private final boolean cluster;
    private AutoCloseable redis;
    private RedisSessionStores stores;

    private RedisStoresFixture(boolean cluster) {
        this.cluster = cluster;
    }

    /** One redis-server. */
    static RedisStoresFixture server() {
        return new RedisStoresFixture(false);
    }

    /** A Redis Cluster of three masters. */
    static RedisStoresFixture cluster() {
        return new RedisStoresFixture(true);
    }

    /** The stores on it; valid while the class's tests run. */
    RedisSessionStores stores() {
        return stores;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (cluster) {
            RedisCluster c = RedisCluster.start();
            redis = c;
            stores = RedisSessionStores.connect(c.uri());
            assertThat(stores.cluster()).as("connected as a cluster").isTrue();
        } else {
            RedisServer s = RedisServer.start();
            redis = s;
            stores = RedisSessionStores.connect(s.uri());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (stores != null) {
            stores.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
