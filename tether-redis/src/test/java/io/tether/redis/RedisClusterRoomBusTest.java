package io.tether.redis;

import io.tether.server.rooms.RoomBus;
import io.tether.server.rooms.RoomBusContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The room bus contract on a real Redis Cluster of three masters (rooms on every slot, one pub/sub channel). */
@Tag("integration")
class RedisClusterRoomBusTest extends RoomBusContract {
    @RegisterExtension
    static final RedisStoresFixture REDIS = RedisStoresFixture.cluster();

    @Override
    protected RoomBus.Factory factory() {
        return REDIS.stores().rooms();
    }
}
