package io.tether.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.testing.ConfigRoundTrip;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisStoreConfigTest {
    @Test
    void toBuilder_roundTripsEveryComponent() {
        ConfigRoundTrip.of(RedisStoreConfig.class, RedisStoreConfig::builder, RedisStoreConfig.Builder::build,
                RedisStoreConfig::toBuilder).verify();
        assertThat(RedisStoreConfig.DEFAULT.toBuilder().build()).isEqualTo(RedisStoreConfig.DEFAULT);
    }

    @Test
    void defaults() {
        RedisStoreConfig config = RedisStoreConfig.DEFAULT;
        assertThat(config.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.keyPrefix()).isEqualTo("tether");
        assertThat(config.expiryGrace()).isEqualTo(Duration.ofHours(1));
        assertThat(config.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.cluster()).isFalse();
    }

    @Test
    void invalidValues_failAtBuild_namingTheSetting() {
        assertThatThrownBy(() -> RedisStoreConfig.builder().commandTimeout(Duration.ZERO).build())
                .hasMessageContaining("commandTimeout");
        assertThatThrownBy(() -> RedisStoreConfig.builder().keyPrefix("").build()).hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisStoreConfig.builder().keyPrefix("a{b}").build())
                .as("a brace would change the keys' hash slots").hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisStoreConfig.builder().expiryGrace(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("expiryGrace");
        assertThatThrownBy(() -> RedisStoreConfig.builder().maxReconnectDelay(Duration.ZERO).build())
                .hasMessageContaining("maxReconnectDelay");
    }
}
