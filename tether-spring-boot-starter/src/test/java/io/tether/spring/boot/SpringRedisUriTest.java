package io.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class SpringRedisUriTest {
    @Test
    void springsDefaultsAreLocalhost6379() {
        assertThat(SpringRedisUri.from(new MockEnvironment())).isEqualTo("redis://localhost:6379");
    }

    @Test
    void hostPortPasswordDatabaseAndTls() {
        MockEnvironment env = new MockEnvironment().withProperty("spring.data.redis.host", "cache.internal")
                .withProperty("spring.data.redis.port", "6380").withProperty("spring.data.redis.username", "app")
                .withProperty("spring.data.redis.password", "p@ss word").withProperty("spring.data.redis.database", "3")
                .withProperty("spring.data.redis.ssl.enabled", "true");
        assertThat(SpringRedisUri.from(env)).isEqualTo("rediss://app:p%40ss%20word@cache.internal:6380/3");
    }

    @Test
    void aUrlWinsAndClusterNodesBecomeSeeds() {
        assertThat(SpringRedisUri.from(new MockEnvironment().withProperty("spring.data.redis.url", "redis://r:1")
                .withProperty("spring.data.redis.host", "ignored"))).isEqualTo("redis://r:1");
        assertThat(SpringRedisUri.from(new MockEnvironment()
                .withProperty("spring.data.redis.cluster.nodes", "a:7000, b:7001,c:7002")))
                .isEqualTo("redis://a:7000,b:7001,c:7002");
    }
}
