package io.tether.examples.spring;

import io.tether.redis.RedisSessionStores;
import io.tether.server.rooms.InMemoryRoomBus;
import io.tether.server.rooms.Rooms;
import java.security.SecureRandom;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chat's rooms live where the sessions do: in Redis when tether.store=redis, else in memory. */
@Configuration(proxyBeanMethods = false)
class RoomsConfiguration {

    /** Closed after the Tether server stopped (Spring stops lifecycles before destroying beans). */
    @Bean(destroyMethod = "close")
    Rooms rooms(ObjectProvider<RedisSessionStores> redis) {
        RedisSessionStores shared = redis.getIfAvailable();
        // Each run is a node of its own in the bus: a restarted process is not its previous run.
        String node = "spring-chat-" + Long.toHexString(new SecureRandom().nextLong());
        return Rooms.builder(shared != null ? shared.rooms() : new InMemoryRoomBus())
                .namespace("/chat").node(node).historySize(50).build();
    }
}
