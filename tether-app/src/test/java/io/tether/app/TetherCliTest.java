package io.tether.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.server.demo.EchoSessions;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.PeerProcess;
import io.tether.testkit.RawWebSocket;
import io.tether.testkit.RecordingListener;
import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The tether command: connect in-process against a real server; serve as a real process. */
@Tag("integration")
class TetherCliTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private record Result(int exit, String out, String err) {
    }

    private static Result run(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TetherCli.run(args, new ByteArrayInputStream(stdin), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void connect_sendsStdinLines_printsReplies_andClosesAtEndOfInput() {
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0)
                .endpoint(Endpoint.of("/echo", new EchoListener())).build())) {
            Result r = run("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8),
                    "connect", "ws://127.0.0.1:" + server.port() + "/echo");
            assertThat(r.out()).isEqualTo("one\ntwo\nthree\n".replace("\n", System.lineSeparator()));
            assertThat(r.err()).contains("opened", "closed 1000");
            assertThat(r.exit()).isZero();
        }
    }

    @Test
    void connect_withCompression_offersPermessageDeflate_andEchoesThroughIt() {
        CompletableFuture<String> offer = new CompletableFuture<>();
        RecordingListener echo = new RecordingListener() {
            @Override
            public void onOpen(WebSocketConnection connection) {
                offer.complete(connection.handshake().header("Sec-WebSocket-Extensions").orElse("none"));
            }

            @Override
            public void onText(WebSocketConnection connection, String text) {
                connection.sendText(text);
            }
        };
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0)
                .compression(io.tether.core.CompressionConfig.ENABLED).endpoint(Endpoint.of("/echo", echo)).build())) {
            String line = "compressed ".repeat(40);
            Result r = run((line + "\n").getBytes(StandardCharsets.UTF_8), "connect", "--plain", "--compression",
                    "--compression-min-size", "64B", "ws://127.0.0.1:" + server.port() + "/echo");
            assertThat(r.out()).as("stderr: %s", r.err()).isEqualTo(line + System.lineSeparator());
            assertThat(r.exit()).isZero();
            assertThat(offer.getNow(null)).isEqualTo("permessage-deflate");
        }
        Result bad = run(new byte[0], "connect", "--compression=maybe", "ws://127.0.0.1:1/echo");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--compression", "expected on or off");
    }

    @Test
    void connect_refused_exitsWithReadableMessage() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result r = run(new byte[0], "connect", "ws://127.0.0.1:" + port + "/echo");
        assertThat(r.exit()).isEqualTo(ConnectCommand.CANNOT_CONNECT);
        assertThat(r.err()).contains("tether connect: cannot connect to ws://127.0.0.1:" + port + "/echo")
                .contains("Connection refused");
    }

    @Test
    void connect_badDuration_isAUsageError() {
        Result r = run(new byte[0], "connect", "ws://127.0.0.1:1/", "--ping-interval", "soon");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read duration 'soon'");
    }

    @Test
    void connect_reportsHeartbeatTimeout_whenTheNetworkFreezes() throws Exception {
        HeartbeatConfig serverBeat = HeartbeatConfig.builder().pingInterval(Duration.ofSeconds(30)).build();
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(serverBeat)
                        .endpoint(Endpoint.of("/echo", new EchoListener())).build());
                FaultProxy proxy = FaultProxy.start(server.port());
                PipedOutputStream feed = new PipedOutputStream();
                PipedInputStream stdin = new PipedInputStream(feed)) {
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> TetherCli.run(
                    new String[] {"connect", "ws://127.0.0.1:" + proxy.port() + "/echo", "--ping-interval", "200ms",
                            "--ping-timeout", "300ms", "--no-reconnect"}, stdin, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)));
            await().atMost(WAIT).until(() -> err.toString().contains("opened"));
            proxy.freeze();
            assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(ConnectCommand.FAILED);
            assertThat(err.toString()).contains("failed: heartbeat timeout");
        }
    }

    @Test
    void connect_reconnectsAfterAFreeze_andSaysSo() throws Exception {
        HeartbeatConfig serverBeat = HeartbeatConfig.builder().pingInterval(Duration.ofSeconds(30)).build();
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(serverBeat)
                        .endpoint(Endpoint.of("/echo", new EchoListener())).build());
                FaultProxy proxy = FaultProxy.start(server.port());
                PipedOutputStream feed = new PipedOutputStream();
                PipedInputStream stdin = new PipedInputStream(feed)) {
            StringWriter err = new StringWriter();
            StringWriter out = new StringWriter();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> TetherCli.run(
                    new String[] {"connect", "ws://127.0.0.1:" + proxy.port() + "/echo", "--ping-interval", "200ms",
                            "--ping-timeout", "300ms", "--backoff-base", "50ms", "--backoff-cap", "200ms"},
                    stdin, new PrintWriter(out, true), new PrintWriter(err, true)));
            await().atMost(WAIT).until(() -> err.toString().contains("opened"));
            proxy.freeze();
            await().atMost(WAIT).until(() -> err.toString().contains("disconnected: heartbeat timeout"));
            proxy.killAll();
            proxy.unfreeze();
            await().atMost(WAIT).until(() -> err.toString().contains("reconnected after"));
            feed.write("after the storm\n".getBytes(StandardCharsets.UTF_8));
            feed.flush();
            await().atMost(WAIT).until(() -> out.toString().contains("after the storm"));
            feed.close();
            assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
            assertThat(err.toString()).contains("retry 1 in", "reconnecting (attempt 1)", "closed 1000");
        }
    }

    @Test
    void connect_usesTetherV1WhenOffered_andSaysResumedAfterAKill() throws Exception {
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0)
                        .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions())).build());
                FaultProxy proxy = FaultProxy.start(server.port());
                PipedOutputStream feed = new PipedOutputStream();
                PipedInputStream stdin = new PipedInputStream(feed)) {
            StringWriter err = new StringWriter();
            StringWriter out = new StringWriter();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> TetherCli.run(
                    new String[] {"connect", "ws://127.0.0.1:" + proxy.port() + "/echo", "--backoff-base", "50ms",
                            "--backoff-cap", "200ms"},
                    stdin, new PrintWriter(out, true), new PrintWriter(err, true)));
            await().atMost(WAIT).until(() -> err.toString().contains("subprotocol tether.v1 session "));
            proxy.killAll();
            await().atMost(WAIT).until(() -> err.toString().contains("resumed session"));
            feed.write("exactly once\n".getBytes(StandardCharsets.UTF_8));
            feed.close();
            assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
            assertThat(out.toString()).isEqualTo("exactly once" + System.lineSeparator());
        }
    }

    @Test
    void serve_badSize_isAUsageError_namingTheOptionAndTheAcceptedForms() {
        Result r = run(new byte[0], "serve", "--port", "0", "--max-frame-size", "12XB");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--max-frame-size", "12XB", "B, KiB, MiB or GiB");
    }

    @Test
    void serve_sizesAgainstServerConfigsLimits_areUsageErrors_inTheOptionsNames() {
        Result tiny = run(new byte[0], "serve", "--port", "0", "--max-frame-size", "100");
        assertThat(tiny.exit()).isEqualTo(2);
        assertThat(tiny.err()).contains("tether serve: --max-frame-size must be at least 125B");
        Result inverted = run(new byte[0], "serve", "--port", "0", "--max-frame-size", "4MiB", "--max-message-size", "1MiB");
        assertThat(inverted.exit()).isEqualTo(2);
        assertThat(inverted.err()).contains("--max-message-size (1048576B) must be at least --max-frame-size (4194304B)");
    }

    @Test
    void serve_aNodeLeaseTooShort_isAUsageError_thatSaysTheLimit() {
        Result r = run(new byte[0], "serve", "--port", "0", "--node-lease", "2ms");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("tether serve: nodeLease must be at least 5 ms");
    }

    @Test
    void serve_withTlsJwtAndAnAllowedOrigin_worksAsDocumented() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("tether-cli-tls");
        io.tether.testkit.Certificates ca = io.tether.testkit.Certificates.authority(dir);
        io.tether.testkit.Certificates.ServerPair pair = ca.issue("localhost");
        Path secret = dir.resolve("jwt.secret");
        java.nio.file.Files.writeString(secret, "a demo secret of at least 32 bytes!\n");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (PeerProcess serve = PeerProcess.start(javaBin, "-cp", System.getProperty("java.class.path"),
                "io.tether.app.TetherCli", "serve", "--port", "0", "--tls-cert", pair.certificate().toString(),
                "--tls-key", pair.key().toString(), "--allowed-origin", "https://app.example.com",
                "--auth-jwt-secret-file", secret.toString(), "--auth-required")) {
            String banner = serve.nextLine(WAIT);
            assertThat(banner).startsWith("Tether serving wss://");
            int port = Integer.parseInt(banner.replaceAll(".*:(\\d+)/echo$", "$1"));
            java.net.URI uri = java.net.URI.create("wss://localhost:" + port + "/echo");
            // The file's secret with its newline stripped, as the option says.
            String token = io.tether.server.auth.JwtIssuer.hmac("a demo secret of at least 32 bytes!"
                    .getBytes(StandardCharsets.UTF_8), null, null, java.time.Clock.systemUTC())
                    .issue("cli", Duration.ofMinutes(5), java.util.Map.of());
            io.tether.client.ClientConfig trusting = io.tether.client.ClientConfig.builder()
                    .trustedCertificates(ca.caCertificate()).build();
            try (io.tether.client.TetherClient anonymous = io.tether.client.TetherClient.create(trusting);
                    io.tether.client.TetherClient withToken = io.tether.client.TetherClient.create(trusting.toBuilder()
                            .header("Authorization", "Bearer " + token).build());
                    io.tether.client.TetherClient foreignPage = io.tether.client.TetherClient.create(trusting.toBuilder()
                            .header("Authorization", "Bearer " + token).header("Origin", "https://evil.example").build());
                    io.tether.client.TetherClient listedPage = io.tether.client.TetherClient.create(trusting.toBuilder()
                            .header("Authorization", "Bearer " + token).header("Origin", "https://app.example.com").build())) {
                assertThat(statusOf(anonymous, uri)).isEqualTo(401);
                assertThat(statusOf(foreignPage, uri)).isEqualTo(403);
                for (io.tether.client.TetherClient ok : java.util.List.of(withToken, listedPage)) {
                    RecordingListener listener = new RecordingListener();
                    WebSocketConnection c = ok.connect(uri, listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
                    c.sendText("over wss with a token");
                    assertThat(listener.nextMessage(WAIT)).isEqualTo("over wss with a token");
                    c.close();
                }
            }
        }
    }

    /** The HTTP status a refused handshake got. */
    private static int statusOf(io.tether.client.TetherClient client, java.net.URI uri) throws Exception {
        try {
            client.connect(uri, new RecordingListener()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(io.tether.core.HandshakeRejectedException.class);
            return ((io.tether.core.HandshakeRejectedException) e.getCause()).status();
        }
        throw new AssertionError("the handshake was accepted");
    }

    @Test
    void serve_withASecretFile_servesTheDemoLoginOnlyWhenAskedFor() throws Exception {
        Path secret = java.nio.file.Files.createTempFile("tether-jwt", ".secret");
        java.nio.file.Files.writeString(secret, "a demo secret of at least 32 bytes!");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (boolean ask : new boolean[] {false, true}) {
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(javaBin, "-cp",
                    System.getProperty("java.class.path"), "io.tether.app.TetherCli", "serve", "--port", "0",
                    "--auth-jwt-secret-file", secret.toString()));
            if (ask) {
                command.add("--demo-login");
            }
            try (PeerProcess serve = PeerProcess.start(command.toArray(String[]::new))) {
                int port = Integer.parseInt(serve.nextLine(WAIT).replaceAll(".*:(\\d+)/echo$", "$1"));
                try (RawWebSocket http = RawWebSocket.open(port)) {
                    http.write("GET /demo/token?nick=eve HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    assertThat(http.readHttpHead()).as("demo login asked for: " + ask)
                            .startsWith(ask ? "HTTP/1.1 200" : "HTTP/1.1 404");
                }
            }
        }
        Result keyOnly = run(new byte[0], "serve", "--port", "0", "--auth-jwt-public-key", secret.toString(), "--demo-login");
        assertThat(keyOnly.exit()).isEqualTo(2);
        assertThat(keyOnly.err()).contains("--demo-login signs tokens, so it needs --auth-jwt-secret-file");
    }

    @Test
    void serve_withMetrics_answersAScrapeThatPrometheusParses_withTheExactCounts() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (PeerProcess serve = PeerProcess.start(javaBin, "-cp", System.getProperty("java.class.path"),
                "io.tether.app.TetherCli", "serve", "--port", "0", "--metrics")) {
            int port = Integer.parseInt(serve.nextLine(WAIT).replaceAll(".*:(\\d+)/echo$", "$1"));
            try (RawWebSocket ws = RawWebSocket.connect(port, "/echo")) {
                ws.sendFrame(true, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8});
                assertThat(ws.readCloseFrame().closeCode()).isEqualTo(1000);
            }
            try (RawWebSocket refused = RawWebSocket.open(port)) {
                assertThat(refused.requestUpgrade("/echo", "Origin: https://evil.example")).startsWith("HTTP/1.1 403");
            }
            java.util.Map<String, Double> samples = new java.util.HashMap<>();
            await().atMost(WAIT).until(() -> {
                samples.clear();
                samples.putAll(scrape(port));
                return samples.getOrDefault("tether_connections_closed_total{cause=clean}", 0.0) == 1.0;
            });
            assertThat(samples).containsEntry("tether_connections_opened_total", 1.0)
                    .containsEntry("tether_connections_open", 0.0)
                    .containsEntry("tether_handshakes_refused_total{status=403}", 1.0)
                    .containsEntry("tether_sessions_held{endpoint=/chat}", 0.0)
                    .containsEntry("tether_sessions_opened_total{endpoint=/echo}", 0.0);
        }
    }

    /** GET {@code path}: the response head and body (the server closes after answering). */
    private static String[] get(int port, String path) throws Exception {
        try (RawWebSocket http = RawWebSocket.open(port)) {
            http.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String[] {http.readHttpHead(), http.readToEnd()};
        }
    }

    private static java.util.Map<String, Double> scrape(int port) throws Exception {
        return scrape(port, new java.util.HashSet<>());
    }

    /**
     * GET /metrics, parsed by prometheus_client (Debian's python3-prometheus-client): sample → value,
     * without the {@code node} label, whose values go to {@code nodes}.
     */
    private static java.util.Map<String, Double> scrape(int port, java.util.Set<String> nodes) throws Exception {
        String[] answer = get(port, "/metrics");
        assertThat(answer[0]).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: text/plain; version=0.0.4");
        String body = answer[1];
        Path file = java.nio.file.Files.createTempFile("tether-scrape", ".txt");
        java.nio.file.Files.writeString(file, body);
        java.util.Map<String, Double> samples = new java.util.HashMap<>();
        try (PeerProcess parse = PeerProcess.start("/usr/bin/python3", Path.of("src", "test", "python",
                "parse_metrics.py").toString(), file.toString())) {
            // Every sample, then END (stdout is read by another thread: wait for it, not for the exit).
            for (String line = parse.nextLine(WAIT); !line.equals("END"); line = parse.nextLine(WAIT)) {
                com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                StringBuilder key = new StringBuilder(s.path("name").asText());
                java.util.List<String> labels = new java.util.ArrayList<>();
                // Every series carries the node's name; the keys leave it out, nodes asserts it.
                s.path("labels").fields().forEachRemaining(e -> {
                    if (e.getKey().equals("node")) {
                        nodes.add(e.getValue().asText());
                    } else {
                        labels.add(e.getKey() + "=" + e.getValue().asText());
                    }
                });
                if (!labels.isEmpty()) {
                    java.util.Collections.sort(labels);
                    key.append('{').append(String.join(",", labels)).append('}');
                }
                samples.put(key.toString(), s.path("value").asDouble());
            }
            assertThat(parse.awaitExit(WAIT)).as("the parser: %s", parse.stderr()).isZero();
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        return samples;
    }

    @Test
    void connect_count_sendsNumberedMessagesThroughAKilledConnection_andReportsNoneLost() throws Exception {
        java.util.concurrent.atomic.AtomicInteger echoed = new java.util.concurrent.atomic.AtomicInteger();
        io.tether.server.SessionListener echo = new io.tether.server.SessionListener() {
            @Override
            public void onText(io.tether.server.Session session, String text) {
                session.sendText(text);
                echoed.incrementAndGet();
            }
        };
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0)
                        .endpoint(Endpoint.resumable("/echo", new EchoListener(), echo)).build());
                FaultProxy proxy = FaultProxy.start(server.port())) {
            CompletableFuture<Result> result = CompletableFuture.supplyAsync(() -> run(new byte[0], "connect",
                    "ws://127.0.0.1:" + proxy.port() + "/echo", "--count", "300", "--rate", "200", "--json",
                    "--backoff", "constant", "--backoff-base", "50ms"));
            // Cut the connection mid-run: the session resumes, nothing is lost or repeated.
            await().atMost(WAIT).until(() -> echoed.get() >= 20);
            proxy.killAll();
            Result r = result.get(60, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            java.util.List<String> lines = r.out().lines().toList();
            assertThat(lines).anyMatch(l -> l.contains("\"event\":\"resumed\""));
            // The report, then the close it leads to.
            assertThat(lines.get(lines.size() - 2)).isEqualTo(
                    "{\"event\":\"report\",\"sent\":300,\"received\":300,\"lost\":0,\"duplicates\":0,\"outOfOrder\":0}");
            assertThat(lines.get(lines.size() - 1)).startsWith("{\"event\":\"closed\",\"detail\":\"closed 1000\"");
        }
    }

    @Test
    void serve_aMissingTlsKeyOrSecretFile_isAUsageError_namingIt() {
        Result half = run(new byte[0], "serve", "--port", "0", "--tls-cert", "cert.pem");
        assertThat(half.exit()).isEqualTo(2);
        assertThat(half.err()).contains("--tls-cert and --tls-key go together");
        Result missing = run(new byte[0], "serve", "--port", "0", "--auth-jwt-secret-file", "/nonexistent/jwt.secret");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("tether serve: cannot read /nonexistent/jwt.secret");
    }

    @Test
    void serve_maxMessageSize16MiB_echoesA16MiBMessage() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (PeerProcess serve = PeerProcess.start(javaBin, "-cp", System.getProperty("java.class.path"),
                "io.tether.app.TetherCli", "serve", "--port", "0", "--max-message-size", "16MiB")) {
            String banner = serve.nextLine(WAIT);
            int port = Integer.parseInt(banner.replaceAll(".*:(\\d+)/echo$", "$1"));
            byte[] message = new byte[16 << 20];
            new java.util.Random(16).nextBytes(message);
            int fragment = 1 << 20; // the default frame limit: the message has to be joined
            try (RawWebSocket ws = RawWebSocket.connect(port, "/echo")) {
                for (int off = 0; off < message.length; off += fragment) {
                    ws.sendFrame(off + fragment >= message.length, off == 0 ? RawWebSocket.BINARY : RawWebSocket.CONTINUATION,
                            java.util.Arrays.copyOfRange(message, off, off + fragment));
                }
                RawWebSocket.Frame echo = ws.readFrame();
                while (echo.opcode() == RawWebSocket.PING) {
                    echo = ws.readFrame();
                }
                assertThat(echo.opcode()).as("not a 1009 close").isEqualTo(RawWebSocket.BINARY);
                assertThat(echo.payload().length).isEqualTo(message.length);
                assertThat(java.util.Arrays.equals(echo.payload(), message)).as("the same bytes back").isTrue();
            }
        }
    }

    @Test
    void serve_withAnAdminPort_servesMetricsAndHealthThere_logsJsonLines_andIsNotReadyWhileDraining() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (PeerProcess serve = PeerProcess.start(javaBin, "-cp", System.getProperty("java.class.path"),
                "io.tether.app.TetherCli", "serve", "--port", "0", "--metrics", "--admin-port", "0", "--node-id", "n1",
                "--log-format", "json", "--drain-window", "100ms")) {
            int port = Integer.parseInt(serve.nextLine(WAIT).replaceAll(".*:(\\d+)/echo$", "$1"));
            serve.nextLine(WAIT); // node
            serve.nextLine(WAIT); // chat
            String adminLine = serve.nextLine(WAIT);
            assertThat(adminLine).startsWith("Admin at http://127.0.0.1:").endsWith("/health/ready and /metrics");
            int admin = Integer.parseInt(adminLine.replaceAll(".*:(\\d+)/health.*", "$1"));

            assertThat(get(admin, "/health/ready")[0]).startsWith("HTTP/1.1 200");
            assertThat(get(admin, "/health/live")[0]).startsWith("HTTP/1.1 200");
            assertThat(get(port, "/metrics")[0]).as("not on the public port").startsWith("HTTP/1.1 404");
            RawWebSocket ws = RawWebSocket.connect(port, "/echo");
            java.util.Set<String> nodes = new java.util.HashSet<>();
            assertThat(scrape(admin, nodes)).containsEntry("tether_connections_open", 1.0);
            assertThat(nodes).containsExactly("n1");

            serve.terminate(); // SIGTERM: the drain begins
            assertThat(ws.readCloseFrame().closeCode()).isEqualTo(1012);
            // We do not answer the Close: the server waits for it, and says meanwhile it is not ready.
            String[] ready = get(admin, "/health/ready");
            assertThat(ready[0]).startsWith("HTTP/1.1 503");
            assertThat(ready[1]).isEqualTo("draining\n");
            ws.close();
            assertThat(serve.awaitExit(WAIT)).as("the JVM's exit status after SIGTERM").isEqualTo(143);

            // One JSON object per line on stderr; the lifecycle lines carry the ids as fields.
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            // The reader thread may still be taking the last lines the process wrote.
            await().atMost(WAIT).untilAsserted(() -> assertThat(serve.stderr()).contains("\"connection closed\""));
            java.util.List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
            for (String line : serve.stderrLines()) {
                lines.add(json.readTree(line));
            }
            com.fasterxml.jackson.databind.JsonNode opened = lines.stream()
                    .filter(l -> l.path("formattedMessage").asText().equals("connection opened")).findFirst().orElseThrow();
            assertThat(opened.path("level").asText()).isEqualTo("INFO");
            assertThat(opened.path("loggerName").asText()).isEqualTo("io.tether.server.connections");
            java.util.Map<String, String> fields = new java.util.HashMap<>();
            opened.path("kvpList").forEach(kv -> kv.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText())));
            assertThat(fields).containsKeys("connection", "remote").containsEntry("path", "/echo");
            assertThat(lines).anySatisfy(l -> {
                assertThat(l.path("formattedMessage").asText()).isEqualTo("connection closed");
                assertThat(l.path("kvpList").toString()).contains(fields.get("connection")).contains("drain");
            });
        }
    }

    @Test
    void serve_runsAsAProcess_echoes_andDrainsOnSigterm() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (PeerProcess serve = PeerProcess.start(javaBin, "-cp", System.getProperty("java.class.path"),
                "io.tether.app.TetherCli", "serve", "--port", "0", "--drain-window", "100ms")) {
            String banner = serve.nextLine(WAIT);
            assertThat(banner).startsWith("Tether serving ws://127.0.0.1:").endsWith("/echo");
            String url = banner.substring("Tether serving ".length());
            RecordingListener listener = new RecordingListener();
            try (var client = io.tether.client.TetherClient.create()) {
                WebSocketConnection connection = client.connect(java.net.URI.create(url), listener)
                        .toCompletableFuture().get(20, TimeUnit.SECONDS);
                connection.sendText("ping me back");
                assertThat(listener.nextMessage(WAIT)).isEqualTo("ping me back");
                serve.close(); // SIGTERM to the process we started
                RecordingListener.Terminal end = listener.awaitTerminal(WAIT);
                assertThat(end.code()).isEqualTo(1012);
                assertThat(end.reason()).startsWith("server restarting; retry-after=");
            }
        }
    }
}
