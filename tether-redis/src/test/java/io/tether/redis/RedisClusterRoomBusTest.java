package io.tether.redis;

import io.tether.server.rooms.RoomBus;
import io.tether.server.rooms.RoomBusContract;
import io.tether.testkit.services.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The room bus contract on a real Redis Cluster of three masters (rooms on every slot, one pub/sub channel). */
@Tag("integration")
class RedisClusterRoomBusTest extends RoomBusContract {
    private static RedisCluster cluster;
    private static RedisSessionStores stores;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
        stores = RedisSessionStores.connect(cluster.uri());
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
    protected RoomBus.Factory factory() {
        return stores.rooms();
    }
}
