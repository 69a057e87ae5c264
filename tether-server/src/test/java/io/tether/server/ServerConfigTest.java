package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    private static final WebSocketListener NOOP = new WebSocketListener() { };

    @Test
    void toBuilder_roundTripsEveryField() {
        HandshakeGate gate = r -> Acceptance.refuse(403, "no");
        HandshakeGate endpointGate = r -> Acceptance.accept();
        ServerConfig config = ServerConfig.builder().host("0.0.0.0").port(9000)
                .endpoint(new Endpoint("/a", List.of("x"), NOOP))
                .endpoint(Endpoint.of("/b", NOOP).withGate(endpointGate))
                .handshakeTimeout(Duration.ofSeconds(3)).maxFrameSize(4096).maxMessageSize(8192)
                .closeTimeout(Duration.ofSeconds(2)).heartbeat(HeartbeatConfig.DISABLED).ioThreads(2)
                .handshakeGate(gate).build();
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.toBuilder().build().handshakeGate()).isSameAs(gate);
        assertThat(config.endpoints().get(1).gate()).isSameAs(endpointGate);
        assertThat(config.endpoints().get(1).withGate(null)).isEqualTo(Endpoint.of("/b", NOOP));
    }

    @Test
    void defaults() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.maxMessageSize()).isEqualTo(1 << 20);
        assertThat(config.heartbeat()).isEqualTo(HeartbeatConfig.DEFAULT);
        assertThat(config.sslContext()).isNull();
        assertThat(config.handshakeGate()).isSameAs(HandshakeGate.ACCEPT_ALL);
        assertThat(Endpoint.of("/a", NOOP).gate()).isNull();
    }

    @Test
    void invalidValues_failAtBuild_namingTheSetting() {
        assertThatThrownBy(() -> ServerConfig.builder().port(70000).build()).hasMessageContaining("port");
        assertThatThrownBy(() -> ServerConfig.builder().host(" ").build()).hasMessageContaining("host");
        assertThatThrownBy(() -> ServerConfig.builder().handshakeTimeout(Duration.ZERO).build())
                .hasMessageContaining("handshakeTimeout");
        assertThatThrownBy(() -> ServerConfig.builder().maxFrameSize(10).build()).hasMessageContaining("maxFrameSize");
        assertThatThrownBy(() -> ServerConfig.builder().maxFrameSize(4096).maxMessageSize(1024).build())
                .hasMessageContaining("maxMessageSize");
        assertThatThrownBy(() -> ServerConfig.builder().closeTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("closeTimeout");
        assertThatThrownBy(() -> ServerConfig.builder().ioThreads(-1).build()).hasMessageContaining("ioThreads");
        assertThatThrownBy(() -> ServerConfig.builder().endpoint(Endpoint.of("/a", NOOP)).endpoint(Endpoint.of("/a", NOOP)).build())
                .hasMessageContaining("/a is declared twice");
        assertThatThrownBy(() -> Endpoint.of("echo", NOOP)).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> ServerConfig.builder().handshakeGate(null).build()).hasMessageContaining("handshakeGate");
    }
}
