package io.tether.redis;

import io.tether.server.rooms.RoomBus;
import io.tether.server.rooms.RoomBusContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The room bus contract on one real redis-server. */
@Tag("integration")
class RedisRoomBusTest extends RoomBusContract {
    @RegisterExtension
    static final RedisStoresFixture REDIS = RedisStoresFixture.server();

    @Override
    protected RoomBus.Factory factory() {
        return REDIS.stores().rooms();
    }
}
