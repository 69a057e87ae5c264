package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.server.demo.EchoListener;
import io.tether.testkit.RawWebSocket;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Origin checks against cross-site WebSocket hijacking: the rule, then on a live server. */
class OriginPolicyTest {

    @Test
    void sameOrigin_comparesHostAndPort_withDefaultPortsMadeExplicit() {
        OriginPolicy p = OriginPolicy.SAME_ORIGIN;
        assertThat(p.allows(null, "example.com")).as("no Origin: not a browser").isTrue();
        assertThat(p.allows("https://example.com", "example.com:443")).isTrue();
        assertThat(p.allows("http://example.com", "example.com")).isTrue();
        assertThat(p.allows("HTTP://Example.COM:8080", "example.com:8080")).isTrue();
        assertThat(p.allows("http://example.com:8080", "example.com:8081")).isFalse();
        assertThat(p.allows("https://example.com", "example.com:80")).isFalse();
        assertThat(p.allows("http://evil.example", "example.com")).isFalse();
        assertThat(p.allows("http://[::1]:8080", "[::1]:8080")).isTrue();
        assertThat(p.allows("null", "example.com")).as("sandboxed pages").isFalse();
        assertThat(p.allows("http://example.com", null)).isFalse();
    }

    @Test
    void onATlsServer_itsOwnPagesAreHttpsOnes() {
        OriginPolicy p = OriginPolicy.SAME_ORIGIN;
        assertThat(p.allows("https://example.com", "example.com", true)).isTrue();
        assertThat(p.allows("http://example.com:443", "example.com:443", true)).as("a plain-http page").isFalse();
        assertThat(p.allows("https://example.com", "example.com", false)).as("behind a TLS-terminating proxy").isTrue();
        assertThat(OriginPolicy.sameOriginAnd(Set.of("http://app.example.com")).allows("http://app.example.com",
                "example.com", true)).as("listed origins are taken as listed").isTrue();
    }

    @Test
    void anAllowList_addsExactOrigins_andStarAllowsAny() {
        OriginPolicy p = OriginPolicy.sameOriginAnd(Set.of("https://App.example.com", "null"));
        assertThat(p.allows("https://app.example.com", "api.example.com")).isTrue();
        assertThat(p.allows("http://app.example.com", "api.example.com")).as("scheme counts").isFalse();
        assertThat(p.allows("null", "api.example.com")).isTrue();
        assertThat(OriginPolicy.sameOriginAnd(Set.of("*"))).isEqualTo(OriginPolicy.ANY);
        assertThat(OriginPolicy.ANY.allows("http://anything", "else")).isTrue();
        assertThatThrownBy(() -> OriginPolicy.sameOriginAnd(Set.of("https://app.example.com/path")))
                .hasMessageContaining("no path");
        assertThatThrownBy(() -> OriginPolicy.sameOriginAnd(Set.of("app.example.com")))
                .hasMessageContaining("not an origin");
    }

    @Test
    @Tag("integration")
    void aForeignOrigin_is403_itsOwnAndNoneAreUpgraded() throws Exception {
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).origins(OriginPolicy.SAME_ORIGIN)
                .endpoint(Endpoint.of("/echo", new EchoListener())).build())) {
            try (RawWebSocket evil = RawWebSocket.open(server.port())) {
                assertThat(evil.requestUpgrade("/echo", "Origin: https://evil.example")).startsWith("HTTP/1.1 403");
                assertThat(evil.readUntilClosed().trim()).isEqualTo("origin https://evil.example is not allowed to connect");
            }
            try (RawWebSocket own = RawWebSocket.open(server.port())) {
                assertThat(own.requestUpgrade("/echo", "Origin: http://127.0.0.1:" + server.port()))
                        .startsWith("HTTP/1.1 101");
            }
            try (RawWebSocket tool = RawWebSocket.open(server.port())) {
                assertThat(tool.requestUpgrade("/echo")).startsWith("HTTP/1.1 101");
            }
            assertThat(server.stats().handshakesRejected()).isEqualTo(1);
        }
    }
}
