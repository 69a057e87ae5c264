package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.RawWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pages served from the classpath next to the WebSocket endpoints. */
@Tag("integration")
class StaticFilesTest {
    private static TetherServer server;

    @BeforeAll
    static void start() {
        server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                .staticRoot("web-test").endpoint(Endpoint.of("/echo", new EchoListener())).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String get(String method, String path) throws IOException {
        try (RawWebSocket http = RawWebSocket.open(server.port())) {
            http.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return http.readUntilClosed();
        }
    }

    @Test
    void root_servesIndexHtml_withASecurityPolicy() throws IOException {
        String response = get("GET", "/");
        assertThat(response).startsWith("HTTP/1.1 200 OK").contains("text/html; charset=utf-8")
                .containsIgnoringCase("content-security-policy: default-src 'self'").contains("hello page");
    }

    @Test
    void scripts_getTheirContentType() throws IOException {
        assertThat(get("GET", "/app.js")).startsWith("HTTP/1.1 200").contains("text/javascript").contains("export const x");
        assertThat(get("HEAD", "/app.js")).startsWith("HTTP/1.1 200").doesNotContain("export const x");
    }

    @ParameterizedTest
    @CsvSource({"GET,/missing.html,404", "GET,/../pom.xml,404", "GET,/.hidden,404", "GET,/a%2F..%2Fb,404",
            "POST,/index.html,405", "GET,/echo,400"})
    void everythingElse_isRefusedClearly(String method, String path, int status) throws IOException {
        assertThat(get(method, path)).startsWith("HTTP/1.1 " + status);
    }

    @Test
    void endpointsStillUpgrade() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/echo")) {
            ws.sendFrame(true, RawWebSocket.TEXT, "ok".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.readFrame().text()).isEqualTo("ok");
        }
    }
}
