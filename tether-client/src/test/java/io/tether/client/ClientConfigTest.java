package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.RetryClassifier;
import io.tether.core.reconnect.RetryDecision;
import io.tether.core.testing.ConfigRoundTrip;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    @Test
    void toBuilder_roundTripsEveryComponent() throws Exception {
        ConfigRoundTrip.of(ClientConfig.class, ClientConfig::builder, ClientConfig.Builder::build, ClientConfig::toBuilder)
                .value("headers", Map.of("Authorization", "Bearer x", "X-Trace", "1"))
                .setter("headers", (ClientConfig.Builder b, Map<String, String> headers) -> headers.forEach(b::header))
                .with(SSLContext.class, SSLContext.getInstance("TLS"))
                .with(io.micrometer.core.instrument.MeterRegistry.class,
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .with(Backoff.class, Backoff.constant(Duration.ofSeconds(3)))
                .with(RetryClassifier.class, cause -> RetryDecision.giveUp("test"))
                .with(Credentials.class, Credentials.bearer(rejected -> java.util.concurrent.CompletableFuture
                        .completedFuture("t")))
                .skip("trustedCertificates", "exclusive with sslContext; checked below")
                .verify();
        assertThat(ClientConfig.DEFAULT.toBuilder().build()).isEqualTo(ClientConfig.DEFAULT);
        ClientConfig pem = ClientConfig.builder().trustedCertificates(java.nio.file.Path.of("ca.pem")).build();
        assertThat(pem.toBuilder().build()).isEqualTo(pem);
        assertThatThrownBy(() -> pem.toBuilder().sslContext(SSLContext.getInstance("TLS")).build())
                .hasMessageContaining("either sslContext or trustedCertificates");
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
