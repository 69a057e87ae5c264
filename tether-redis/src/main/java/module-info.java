/**
 * Tether on Redis: {@link io.tether.redis.RedisSessionStores}, a session store shared by every node
 * of a deployment, on one Redis server or a Redis Cluster (Lettuce). Exports only the API.
 */
module io.tether.redis {
    requires transitive io.tether.server;
    requires lettuce.core;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports io.tether.redis;
}
