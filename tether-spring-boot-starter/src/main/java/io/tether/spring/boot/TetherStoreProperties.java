package io.tether.spring.boot;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code tether.store} and {@code tether.redis.*}: where the server keeps its {@code tether.v1}
 * sessions. With {@code redis}, sessions survive a restart of this node and resume on any node that
 * shares the store.
 */
@ConfigurationProperties("tether")
public class TetherStoreProperties {
    /** Where sessions live: this process's memory, or Redis (add io.tether:tether-redis). */
    private StoreType store = StoreType.MEMORY;

    private final Redis redis = new Redis();

    /** The session stores the starter can set up. */
    public enum StoreType {
        /** In this process's memory: lost on restart, invisible to other nodes. */
        MEMORY,
        /** In Redis (a server or a Redis Cluster), shared by every node that names it. */
        REDIS
    }

    /**
     * {@code tether.redis.*}. Without a {@code uri}, the connection settings are Spring's own
     * ({@code spring.data.redis.url}, or host, port, username, password, database, ssl.enabled and
     * cluster.nodes), so that an application already configured for Redis needs nothing more.
     */
    public static class Redis {
        /**
         * redis://host:port for one server, redis://h1:p1,h2:p2 for Redis Cluster seed nodes,
         * rediss:// for TLS; unset to use spring.data.redis.*.
         */
        private @Nullable String uri;

        /** First part of every key Tether writes; non-empty, without braces. */
        private String keyPrefix = "tether";

        /** How long one Redis command may take before the operation fails as store-unavailable. */
        private Duration commandTimeout = Duration.ofSeconds(2);

        /** Whether the URI names Redis Cluster seed nodes even when it lists one host. */
        private boolean cluster;

        public @Nullable String getUri() {
            return uri;
        }

        public void setUri(@Nullable String uri) {
            this.uri = uri;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        public boolean isCluster() {
            return cluster;
        }

        public void setCluster(boolean cluster) {
            this.cluster = cluster;
        }
    }

    public StoreType getStore() {
        return store;
    }

    public void setStore(StoreType store) {
        this.store = store;
    }

    public Redis getRedis() {
        return redis;
    }
}
