package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.heartbeat.HeartbeatConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    @Test
    void toBuilder_roundTripsEveryField() {
        ClientConfig config = ClientConfig.builder().connectTimeout(Duration.ofSeconds(1))
                .handshakeTimeout(Duration.ofSeconds(2)).header("Authorization", "Bearer x")
                .subprotocols(List.of("tether.v1")).maxFrameSize(4096).maxMessageSize(8192)
                .closeTimeout(Duration.ofSeconds(3)).heartbeat(HeartbeatConfig.DISABLED).ioThreads(1).build();
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(ClientConfig.DEFAULT.toBuilder().build()).isEqualTo(ClientConfig.DEFAULT);
    }

    @Test
    void invalidValues_failAtBuild_namingTheSetting() {
        assertThatThrownBy(() -> ClientConfig.builder().connectTimeout(Duration.ZERO).build())
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> ClientConfig.builder().handshakeTimeout(Duration.ZERO).build())
                .hasMessageContaining("handshakeTimeout");
        assertThatThrownBy(() -> ClientConfig.builder().header("Bad Name", "v").build())
                .hasMessageContaining("headers: 'Bad Name'");
        assertThatThrownBy(() -> ClientConfig.builder().subprotocols(List.of("a,b")).build())
                .hasMessageContaining("subprotocols: 'a,b'");
        assertThatThrownBy(() -> ClientConfig.builder().maxFrameSize(4096).maxMessageSize(100).build())
                .hasMessageContaining("maxMessageSize");
        assertThatThrownBy(() -> ClientConfig.builder().closeTimeout(Duration.ZERO).build())
                .hasMessageContaining("closeTimeout");
    }
}
