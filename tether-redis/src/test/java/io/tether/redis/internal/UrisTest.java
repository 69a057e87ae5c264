package io.tether.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrisTest {
    @Test
    void oneHost_isOneUri() {
        List<RedisURI> hosts = Uris.hosts("redis://127.0.0.1:6380");
        assertThat(hosts).hasSize(1);
        assertThat(hosts.get(0).getHost()).isEqualTo("127.0.0.1");
        assertThat(hosts.get(0).getPort()).isEqualTo(6380);
    }

    @Test
    void aListOfHosts_isOneUriEach_sharingUserInfoDatabaseAndParameters() {
        List<RedisURI> hosts = Uris.hosts("rediss://user:secret@h1:7000,h2:7001/0?timeout=3s");
        assertThat(hosts).extracting(RedisURI::getHost).containsExactly("h1", "h2");
        assertThat(hosts).extracting(RedisURI::getPort).containsExactly(7000, 7001);
        for (RedisURI uri : hosts) {
            assertThat(uri.isSsl()).isTrue();
            RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
            assertThat(credentials.getUsername()).isEqualTo("user");
            assertThat(credentials.getPassword()).containsExactly("secret".toCharArray());
            assertThat(uri.getTimeout()).isEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void badUris_areRefused_namingTheUri() {
        assertThatThrownBy(() -> Uris.hosts("127.0.0.1:6379")).hasMessageContaining("127.0.0.1:6379");
        assertThatThrownBy(() -> Uris.hosts("redis://h1:1,,h2:2")).hasMessageContaining("empty host");
    }
}
