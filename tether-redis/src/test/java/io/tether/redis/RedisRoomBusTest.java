package io.tether.redis;

import io.tether.server.rooms.RoomBus;
import io.tether.server.rooms.RoomBusContract;
import io.tether.testkit.services.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The room bus contract on one real redis-server. */
@Tag("integration")
class RedisRoomBusTest extends RoomBusContract {
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
    protected RoomBus.Factory factory() {
        return stores.rooms();
    }
}
