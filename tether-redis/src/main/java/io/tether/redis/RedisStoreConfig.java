package io.tether.redis;

import static io.tether.core.Durations.requirePositive;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link RedisSessionStores}; build with {@link #builder()}. Every value is
 * validated when the record is built, and a bad value fails with a message naming the setting.
 *
 * @param commandTimeout how long one Redis command may take before its operation fails with
 *     {@link io.tether.server.store.StoreUnavailableException}; also the TCP connect timeout. An
 *     operation of k sequential commands (see {@link RedisSessionStores}) is bounded by k times this.
 * @param keyPrefix first part of every key, e.g. {@code tether} gives {@code tether:{/chat:<id>}:s};
 *     non-empty, without braces (they would change the keys' hash slots)
 * @param expiryGrace how long after its deadline a detached session's keys are kept before Redis
 *     drops them by itself: a backstop for when no node calls
 *     {@link io.tether.server.store.SessionStore#takeExpired} any more. A session dropped that way
 *     is not reported by {@code takeExpired}; keep this well above the sweep interval.
 * @param maxReconnectDelay longest wait between two attempts to reconnect after the connection to
 *     Redis was lost (the waits double from 10 ms up to this)
 * @param cluster whether the URI names Redis Cluster seed nodes even when it lists one host (a URI
 *     listing several hosts always means a cluster)
 */
public record RedisStoreConfig(Duration commandTimeout, String keyPrefix, Duration expiryGrace,
        Duration maxReconnectDelay, boolean cluster) {

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    public static final String DEFAULT_KEY_PREFIX = "tether";
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofHours(1);
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
    /** Every default: 2 s commands, prefix {@code tether}, 1 h grace, reconnects at most 1 s apart. */
    public static final RedisStoreConfig DEFAULT = builder().build();

    public RedisStoreConfig {
        requirePositive(commandTimeout, "commandTimeout");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (keyPrefix.isEmpty() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix must be non-empty and without braces, was '" + keyPrefix + "'");
        }
        requirePositive(expiryGrace, "expiryGrace");
        requirePositive(maxReconnectDelay, "maxReconnectDelay");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder with the defaults above; {@link #build()} validates. */
    public static final class Builder {
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration expiryGrace = DEFAULT_EXPIRY_GRACE;
        private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
        private boolean cluster;

        private Builder() {
        }

        private Builder(RedisStoreConfig from) {
            commandTimeout = from.commandTimeout;
            keyPrefix = from.keyPrefix;
            expiryGrace = from.expiryGrace;
            maxReconnectDelay = from.maxReconnectDelay;
            cluster = from.cluster;
        }

        public Builder commandTimeout(Duration value) {
            commandTimeout = value;
            return this;
        }

        public Builder keyPrefix(String value) {
            keyPrefix = value;
            return this;
        }

        public Builder expiryGrace(Duration value) {
            expiryGrace = value;
            return this;
        }

        public Builder maxReconnectDelay(Duration value) {
            maxReconnectDelay = value;
            return this;
        }

        public Builder cluster(boolean value) {
            cluster = value;
            return this;
        }

        public RedisStoreConfig build() {
            return new RedisStoreConfig(commandTimeout, keyPrefix, expiryGrace, maxReconnectDelay, cluster);
        }
    }
}
