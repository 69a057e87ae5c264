/**
 * Tether's session store on Redis and Redis Cluster: {@link io.tether.redis.RedisSessionStores}
 * (the data layout and its reasons are in its class comment) and its settings,
 * {@link io.tether.redis.RedisStoreConfig}.
 */
@NullMarked
package io.tether.redis;

import org.jspecify.annotations.NullMarked;
