package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.testing.ConfigRoundTrip;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    private static final WebSocketListener NOOP = new WebSocketListener() { };

    @Test
    void toBuilder_roundTripsEveryComponent() throws Exception {
        HandshakeGate gate = r -> Acceptance.refuse(403, "no");
        HandshakeGate endpointGate = r -> Acceptance.accept();
        Authenticator auth = r -> Authentication.anonymous();
        HttpRoute route = (method, r) -> HttpRoute.Answer.text(200, "ok");
        io.tether.server.store.SessionStore.Factory stores = new io.tether.server.store.SharedMemorySessionStores();
        ServerConfig config = ConfigRoundTrip.of(ServerConfig.class, ServerConfig::builder, ServerConfig.Builder::build,
                        ServerConfig::toBuilder)
                .value("host", "0.0.0.0")
                .value("endpoints", List.of(new Endpoint("/a", List.of("x"), NOOP), Endpoint.of("/b", NOOP).withGate(endpointGate)))
                .setter("endpoints", (ServerConfig.Builder b, List<Endpoint> endpoints) -> endpoints.forEach(b::endpoint))
                .value("staticRoot", "web")
                .with(SSLContext.class, SSLContext.getInstance("TLS"))
                .with(HandshakeGate.class, gate)
                .with(io.tether.server.store.SessionStore.Factory.class, stores)
                .value("nodeId", "node-7")
                .with(Authenticator.class, auth)
                .value("routes", Map.of("/r", route))
                .setter("routes", (ServerConfig.Builder b, Map<String, HttpRoute> routes) -> routes.forEach(b::route))
                .value("origins", OriginPolicy.SAME_ORIGIN)
                .with(io.micrometer.core.instrument.MeterRegistry.class,
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .skip("tls", "exclusive with sslContext; checked below")
                .verify();
        TlsConfig tls = TlsConfig.pem(Path.of("cert.pem"), Path.of("key.pem"));
        ServerConfig pem = config.toBuilder().sslContext(null).tls(tls).build();
        assertThat(pem.toBuilder().build()).isEqualTo(pem);
        assertThat(pem.tls()).isEqualTo(tls);
        assertThatThrownBy(() -> pem.toBuilder().sslContext(SSLContext.getInstance("TLS")).build())
                .hasMessageContaining("either sslContext or tls");
        assertThat(config.admission().enabled()).as("nested AdmissionConfig changed too").isTrue();
        assertThat(config.toBuilder().build().handshakeGate()).isSameAs(gate);
        assertThat(config.toBuilder().build().sessionStores()).isSameAs(stores);
        assertThat(config.endpoints().get(1).gate()).isSameAs(endpointGate);
        assertThat(config.endpoints().get(1).withGate(null)).isEqualTo(Endpoint.of("/b", NOOP));
        ServerConfig defaults = ServerConfig.builder().build();
        assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
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
        assertThatThrownBy(() -> ServerConfig.builder().nodeId(" ").build()).hasMessageContaining("nodeId");
        assertThatThrownBy(() -> ServerConfig.builder().nodeId("x".repeat(65)).build()).hasMessageContaining("nodeId");
        assertThatThrownBy(() -> ServerConfig.builder().nodeLease(Duration.ZERO).build()).hasMessageContaining("nodeLease");
        assertThatThrownBy(() -> ServerConfig.builder().nodeLease(Duration.ofMillis(4)).build())
                .hasMessageContaining("nodeLease");
        assertThatThrownBy(() -> ServerConfig.builder().closeTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("closeTimeout");
        assertThatThrownBy(() -> ServerConfig.builder().ioThreads(-1).build()).hasMessageContaining("ioThreads");
        assertThatThrownBy(() -> ServerConfig.builder().endpoint(Endpoint.of("/a", NOOP)).endpoint(Endpoint.of("/a", NOOP)).build())
                .hasMessageContaining("/a is declared twice");
        assertThatThrownBy(() -> Endpoint.of("echo", NOOP)).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> ServerConfig.builder().handshakeGate(null).build()).hasMessageContaining("handshakeGate");
    }

    @Test
    void limitsAndTls_refuseBadValues_namingTheSetting() {
        assertThatThrownBy(() -> ConnectionLimits.builder().maxConnections(-1).build())
                .hasMessageContaining("maxConnections must not be negative");
        assertThatThrownBy(() -> ConnectionLimits.builder().inboundMessages(10, 0).build())
                .hasMessageContaining("inboundBurst must be at least 1");
        assertThatThrownBy(() -> ConnectionLimits.builder().handshakesPerAddress(Double.NaN, 1).build())
                .hasMessageContaining("handshakesPerSecondPerAddress");
        assertThatThrownBy(() -> TlsConfig.pem(Path.of("c"), Path.of("k")).withReloadCheck(Duration.ofSeconds(-1)))
                .hasMessageContaining("reloadCheck");
        assertThat(TlsConfig.pem(Path.of("c"), Path.of("k")).withReloadCheck(Duration.ZERO).reloadCheck()).isZero();
        assertThat(new TlsConfig(Path.of("c"), Path.of("k"), "secret", Duration.ZERO).toString()).doesNotContain("secret");
        assertThatThrownBy(() -> ServerConfig.builder().limits(ConnectionLimits.builder().maxQueuedBytes(1 << 20).build())
                .endpoint(Endpoint.resumable("/s", NOOP, new SessionListener() { })).build()).hasMessageContaining("limits.maxQueuedBytes (1048576) must be at least sessions.replayMaxBytes");
        assertThatThrownBy(() -> ConnectionLimits.builder().inboundMessages(1e-9, 1).build())
                .hasMessageContaining("inboundMessagesPerSecond must be 0 (off) or from 0.001");
        assertThatThrownBy(() -> ServerConfig.builder().route("nope", (m, r) -> HttpRoute.Answer.text(200, "x")).build())
                .hasMessageContaining("routes: path must start with '/'");
    }
}
