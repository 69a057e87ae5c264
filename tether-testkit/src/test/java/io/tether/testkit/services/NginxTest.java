package io.tether.testkit.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.testing.ConfigRoundTrip;
import io.tether.testkit.RawWebSocket;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("services")
class NginxTest {
    private TinyUpstream a;
    private TinyUpstream b;

    @BeforeEach
    void upstreams() throws IOException {
        a = TinyUpstream.start("a");
        b = TinyUpstream.start("b");
    }

    @AfterEach
    void stopUpstreams() throws IOException {
        a.close();
        b.close();
    }

    @Test
    void get_isProxiedRoundRobinWithForwardedHeaders() throws IOException {
        try (Nginx nginx = Nginx.start(List.of(a.port(), b.port()))) {
            List<String> answers = get(nginx, 4);

            assertThat(answers).containsAnyOf("a", "b").doesNotContainNull();
            assertThat(answers.get(0)).isNotEqualTo(answers.get(1));
            assertThat(answers.subList(2, 4)).isEqualTo(answers.subList(0, 2));
            assertThat(a.heads()).hasSize(2).allSatisfy(head -> assertThat(head)
                    .startsWith("GET /page HTTP/1.1\r\n")
                    .contains("X-Forwarded-For: 127.0.0.1\r\n", "X-Forwarded-Proto: http\r\n", "Connection: close\r\n",
                            "Host: 127.0.0.1:" + nginx.port() + "\r\n"));
        }
    }

    @Test
    void websocket_upgradeIsProxiedBothWaysAndRoundRobin() throws IOException {
        try (Nginx nginx = Nginx.start(List.of(a.port(), b.port()));
                RawWebSocket first = RawWebSocket.connect(nginx.port(), "/chat");
                RawWebSocket second = RawWebSocket.connect(nginx.port(), "/chat")) {
            String firstNode = first.readFrame().text();
            String secondNode = second.readFrame().text();
            assertThat(List.of(firstNode, secondNode)).containsExactlyInAnyOrder("a", "b");

            first.sendFrame(true, RawWebSocket.TEXT, "hello".getBytes(StandardCharsets.UTF_8));
            assertThat(first.readFrame().text()).isEqualTo(firstNode + ":hello");
            second.sendFrame(true, RawWebSocket.TEXT, "there".getBytes(StandardCharsets.UTF_8));
            assertThat(second.readFrame().text()).isEqualTo(secondNode + ":there");
            assertThat(a.heads().get(0)).startsWith("GET /chat HTTP/1.1\r\n")
                    .contains("Upgrade: websocket\r\n", "Connection: upgrade\r\n", "X-Forwarded-For: 127.0.0.1\r\n");
        }
    }

    @Test
    void drain_newRequestsAvoidTheNode_anEstablishedWebSocketStaysOnIt() throws IOException {
        try (Nginx nginx = Nginx.start(List.of(a.port(), b.port()));
                RawWebSocket ws = RawWebSocket.connect(nginx.port(), "/chat")) {
            String node = ws.readFrame().text();
            TinyUpstream drained = node.equals("a") ? a : b;
            TinyUpstream other = drained == a ? b : a;

            nginx.drain(drained.port());

            assertThat(nginx.upstreams()).containsExactly(other.port());
            assertThat(nginx.config()).contains("server 127.0.0.1:" + drained.port() + " max_fails=2 fail_timeout=10s down;");
            assertThat(get(nginx, 4)).containsOnly(other.name());
            ws.sendFrame(true, RawWebSocket.TEXT, "still here".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.readFrame().text()).isEqualTo(node + ":still here");
        }
    }

    @Test
    void reload_replacesTheUpstreams() throws IOException {
        try (Nginx nginx = Nginx.start(List.of(a.port()))) {
            long master = nginx.pid();
            assertThat(get(nginx, 2)).containsOnly("a");

            nginx.reload(List.of(b.port()));
            assertThat(get(nginx, 3)).containsOnly("b");

            nginx.reload(List.of(a.port(), b.port()));
            assertThat(get(nginx, 4)).containsOnly("a", "b").contains("a", "b");
            assertThat(nginx.pid()).isEqualTo(master);
        }
    }

    @Test
    void reload_withoutUpstreams_isRefusedAndTheOldConfigKeepsRunning() throws IOException {
        try (Nginx nginx = Nginx.start(List.of(a.port()))) {
            String before = nginx.config();
            assertThatThrownBy(() -> nginx.reload(List.of())).isInstanceOf(IllegalArgumentException.class);
            assertThat(nginx.config()).isEqualTo(before);
            assertThat(get(nginx, 1)).containsOnly("a");
        }
    }

    @Test
    void deadUpstream_isSkippedByTheNextUpstreamRule() throws IOException {
        try (Nginx nginx = Nginx.start(List.of(a.port(), b.port()))) {
            b.close();
            assertThat(get(nginx, 4)).containsOnly("a");
            assertThat(nginx.errorLogTail()).contains("connect() failed (111: Connection refused)");
        }
    }

    @Test
    void close_endsMasterAndWorkersAndDeletesTheDirectory() {
        Nginx nginx = Nginx.start(List.of(a.port()));
        long master = nginx.pid();
        List<ProcessHandle> workers = nginx.workers();
        assertThat(workers).isNotEmpty();

        nginx.close();

        assertThat(ProcessHandle.of(master)).isEmpty();
        assertThat(workers).noneMatch(ProcessHandle::isAlive);
        assertThat(FreePort.accepting(nginx.port())).isFalse();
    }

    @Test
    void config_isTheShippedTemplateRendered() throws IOException {
        String shipped = Files.readString(Path.of("..", "deploy", "nginx", "tether.conf"));
        assertThat(NginxConfig.template()).isEqualTo(shipped);
        assertThat(NginxConfig.main()).isEqualTo(Files.readString(Path.of("..", "deploy", "nginx", "local.conf")));
        try (Nginx nginx = Nginx.start(List.of(a.port(), b.port()))) {
            assertThat(nginx.config())
                    .isEqualTo(NginxConfig.render(shipped, "127.0.0.1:" + nginx.port(),
                            List.of(new NginxConfig.Upstream(a.port(), false), new NginxConfig.Upstream(b.port(), false))))
                    .contains("listen 127.0.0.1:" + nginx.port() + ";",
                            "    server 127.0.0.1:" + a.port() + " max_fails=2 fail_timeout=10s;\n"
                                    + "    server 127.0.0.1:" + b.port() + " max_fails=2 fail_timeout=10s;\n",
                            "proxy_http_version 1.1;", "proxy_buffering off;")
                    .doesNotContain(NginxConfig.LISTEN + ";", "server " + NginxConfig.NODE);
        }
    }

    @Test
    void render_copiesCommentsAndRepeatsTheNodeLine() {
        String template = "# @TETHER_NODE@ in a comment\nupstream x {\n    server @TETHER_NODE@ weight=1;\n}\nlisten @TETHER_LISTEN@;";
        assertThat(NginxConfig.render(template, "80", List.of(new NginxConfig.Upstream(1, false), new NginxConfig.Upstream(2, true))))
                .isEqualTo("# @TETHER_NODE@ in a comment\nupstream x {\n    server 127.0.0.1:1 weight=1;\n"
                        + "    server 127.0.0.1:2 weight=1 down;\n}\nlisten 80;");
        assertThatThrownBy(() -> NginxConfig.render("listen @TETHER_PORT@;", "80", List.of(new NginxConfig.Upstream(1, false))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("placeholder");
    }

    @Test
    void options_roundTrip() {
        Nginx.Options options = ConfigRoundTrip.of(Nginx.Options.class, () -> Nginx.Options.builder().upstreams(List.of(1)),
                        Nginx.Options.Builder::build, Nginx.Options::toBuilder)
                .value("executable", Path.of("/opt/nginx/sbin/nginx"))
                .value("upstreams", List.of(8081, 8082))
                .verify();
        assertThat(options.toBuilder().build()).isEqualTo(options);
    }

    /** {@code n} GETs of /page through nginx, one connection each; the bodies (the node names). */
    private static List<String> get(Nginx nginx, int n) throws IOException {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpURLConnection c = (HttpURLConnection) URI.create(nginx.httpUrl() + "/page").toURL().openConnection();
            c.setRequestProperty("Connection", "close");
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);
            try {
                assertThat(c.getResponseCode()).as("status of GET %d through %s", i, nginx).isEqualTo(200);
                bodies.add(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } finally {
                c.disconnect();
            }
        }
        return bodies;
    }
}
