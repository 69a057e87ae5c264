package io.tether.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.app.PromQuery.Selector;
import io.tether.client.ClientConfig;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.PeerProcess;
import io.tether.testkit.RawWebSocket;
import io.tether.testkit.services.RedisServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The monitoring files in deploy/: the Prometheus alert rules pass promtool's check and their own
 * promtool unit tests, the Grafana dashboard is well-formed and its queries parse as PromQL, and
 * every metric either names is exported by a real {@code tether serve --metrics} (and, for the
 * client row, a real Java client) — so a renamed meter breaks this test, not a dashboard in production.
 */
@Tag("integration")
class MonitoringConfigTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration TOOL_WAIT = Duration.ofSeconds(60);
    /** Surefire runs in tether-app/. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path ALERTS = ROOT.resolve("deploy/prometheus/tether-alerts.yml");
    private static final Path ALERT_TESTS = ROOT.resolve("deploy/prometheus/tether-alerts.test.yml");
    private static final Path DASHBOARD = ROOT.resolve("deploy/grafana/tether-dashboard.json");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path TEST_PYTHON = ROOT.resolve("tether-app/src/test/python");
    private static final String DATASOURCE = "${DS_PROMETHEUS}";
    private static final ObjectMapper JSON = new ObjectMapper();

    // ---- alert rules ----

    @Test
    void alertRules_passPromtoolCheck() throws Exception {
        Run check = run(TOOL_WAIT, promtool(), "check", "rules", ALERTS.toString());
        assertThat(check.exit()).as("promtool check rules:\n%s", check.all()).isZero();
    }

    @Test
    void alertRules_passTheirPromtoolUnitTests() throws Exception {
        Run test = run(TOOL_WAIT, promtool(), "test", "rules", ALERT_TESTS.toString());
        assertThat(test.exit()).as("promtool test rules:\n%s", test.all()).isZero();
    }

    @Test
    void everyAlert_hasAPromtoolCaseWhereItFires_andOneWhereItDoesNot() throws Exception {
        // alertname → for each evaluation, whether alerts were expected.
        Map<String, Set<Boolean>> cases = new HashMap<>();
        for (JsonNode test : yaml(ALERT_TESTS).path("tests")) {
            for (JsonNode c : test.path("alert_rule_test")) {
                cases.computeIfAbsent(c.path("alertname").asText(), k -> new TreeSet<>())
                        .add(!c.path("exp_alerts").isEmpty());
            }
        }
        Set<String> alerts = alertRules().stream().map(r -> r.path("alert").asText()).collect(Collectors.toSet());
        assertThat(alerts).isNotEmpty();
        for (String alert : alerts) {
            assertThat(cases.getOrDefault(alert, Set.of())).as("promtool cases of %s", alert).contains(true, false);
        }
        // promtool passes a case for an alert that does not exist, when it expects none.
        assertThat(alerts).as("alerts the promtool cases name").containsAll(cases.keySet());
    }

    @Test
    void everyAlert_hasASeverity_aSummary_aDescription_andARunbookSectionThatExists() throws Exception {
        Set<String> sections = anchors(ROOT.resolve("docs/operations.md"));
        for (JsonNode rule : alertRules()) {
            String alert = rule.path("alert").asText();
            assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("warning", "critical");
            JsonNode annotations = rule.path("annotations");
            assertThat(annotations.path("summary").asText()).as(alert).isNotBlank();
            assertThat(annotations.path("description").asText()).as(alert).isNotBlank();
            String runbook = annotations.path("runbook_url").asText();
            assertThat(runbook).as(alert).startsWith("docs/operations.md#");
            assertThat(sections).as("%s's runbook section", alert).contains(runbook.substring(runbook.indexOf('#') + 1));
        }
    }

    // ---- dashboard ----

    @Test
    void dashboard_everyPanelReadsTheDatasourceVariable_hasATarget_andAUnit() throws Exception {
        List<JsonNode> panels = panels();
        assertThat(panels).isNotEmpty();
        assertThat(panels.stream().map(p -> p.path("id").asInt()).distinct().count()).as("unique ids")
                .isEqualTo(panels.size());
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(title).isNotBlank();
                assertThat(target.path("refId").asText()).as(title).isNotBlank();
            }
            assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText()).as(title).isNotBlank();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(title).isBetween(1, 24);
        }
    }

    @Test
    void dashboard_hasTheDatasourceNodeAndEndpointVariables() throws Exception {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        Map<String, JsonNode> variables = new HashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
        assertThat(variables).containsOnlyKeys("DS_PROMETHEUS", "node", "endpoint");
        assertThat(variables.get("DS_PROMETHEUS").path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get("DS_PROMETHEUS").path("query").asText()).isEqualTo("prometheus");
        assertThat(variables.get("node").path("query").path("query").asText())
                .isEqualTo("label_values(tether_connections_open, node)");
        assertThat(variables.get("endpoint").path("query").path("query").asText()).startsWith("label_values(");
    }

    @Test
    void dashboardQueries_rateOverGrafanasIntervals_andServerPanelsFollowTheNodeVariable() throws Exception {
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                // Hard-coded ranges break at other scrape intervals and zoom levels.
                assertThat(expr.replace("[$__rate_interval]", "").replace("[$__range]", ""))
                        .as(panel.path("title").asText()).doesNotContain("[");
                boolean client = PromQuery.of(expr).selectors().stream().allMatch(s -> s.metric().startsWith("tether_client_"));
                if (!client) {
                    assertThat(expr).as(panel.path("title").asText()).contains("node=~\"$node\"");
                }
            }
        }
    }

    @Test
    void dashboardQueries_parseAsPromQL() throws Exception {
        // Each query as a recording rule (JSON is YAML), Grafana's variables filled in, for promtool.
        ObjectNode file = JSON.createObjectNode();
        ArrayNode rules = file.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                rules.addObject().put("record", "dashboard:panel_" + panel.path("id").asInt() + "_" + target.path("refId").asText())
                        .put("expr", withVariablesFilledIn(target.path("expr").asText()));
            }
        }
        Path rulesFile = Files.createTempFile("tether-dashboard-queries", ".yml");
        try {
            Files.writeString(rulesFile, JSON.writeValueAsString(file));
            Run check = run(TOOL_WAIT, promtool(), "check", "rules", rulesFile.toString());
            assertThat(check.exit()).as("promtool check rules on the dashboard's queries:\n%s", check.all()).isZero();
        } finally {
            Files.deleteIfExists(rulesFile);
        }
    }

    private static String withVariablesFilledIn(String expr) {
        return expr.replace("$__rate_interval", "5m").replace("$__range", "1h").replace("$__interval", "1m")
                .replaceAll("\\$\\{?\\w+}?", ".*");
    }

    // ---- every name against real scrapes ----

    @Test
    void everyMetricTheAlertsAndTheDashboardName_isExportedByARealNodeOrClient_withTheLabelsTheyUse() throws Exception {
        Map<String, PromQuery> queries = queries();
        Scrapes scrapes = scrapeANodeAndAClientThroughAResume();
        List<String> problems = new ArrayList<>();
        queries.forEach((where, query) -> problems.addAll(check(where, query, scrapes)));
        assertThat(problems).as("names and labels not in the scrapes (server: %s; client: %s)",
                new TreeSet<>(scrapes.server().keySet()), new TreeSet<>(scrapes.client().keySet())).isEmpty();
    }

    /** Sample name → label names seen on it, from the server's /metrics and from the client's registry. */
    private record Scrapes(Map<String, Set<String>> server, Map<String, Set<String>> client) {
    }

    private static List<String> check(String where, PromQuery query, Scrapes scrapes) {
        List<String> problems = new ArrayList<>();
        if (query.selectors().isEmpty()) {
            problems.add(where + ": reads no metric");
        }
        Set<String> labelsRead = new TreeSet<>();
        for (Selector s : query.selectors()) {
            // Client meters exist only in applications that export the Java client's registry.
            Map<String, Set<String>> exported = s.metric().startsWith("tether_client_") ? scrapes.client() : scrapes.server();
            Set<String> labels = exported.get(s.metric());
            if (labels == null) {
                problems.add(where + ": " + s.metric() + " is not exported");
            } else if (!labels.containsAll(s.labels())) {
                problems.add(where + ": " + s.metric() + " has labels " + labels + ", not all of " + s.labels());
            } else {
                labelsRead.addAll(labels);
            }
        }
        if (problems.isEmpty() && !labelsRead.containsAll(query.groupingLabels())) {
            problems.add(where + ": groups by " + query.groupingLabels() + ", its metrics have only " + labelsRead);
        }
        return problems;
    }

    /** Where → query: every alert expression, every dashboard target, every label_values variable. */
    private static Map<String, PromQuery> queries() throws Exception {
        Map<String, PromQuery> queries = new LinkedHashMap<>();
        for (JsonNode rule : alertRules()) {
            queries.put("alert " + rule.path("alert").asText(), PromQuery.of(rule.path("expr").asText()));
        }
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        PromQuery.of(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : JSON.readTree(DASHBOARD.toFile()).path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.put("variable " + variable.path("name").asText(),
                        PromQuery.ofLabelValues(variable.path("query").path("query").asText()));
            }
        }
        return queries;
    }

    /**
     * Runs {@code tether serve --metrics} on a Redis store (so the store meters are those of a shared
     * store), and a Java client with a Prometheus registry through a proxy that cuts the connection
     * once: the session resumes, so the per-cause and per-event series exist on both sides. A
     * refused handshake makes the status series; a GC (jcmd) makes the GC pause timer, which
     * Micrometer registers at the first collection.
     */
    private static Scrapes scrapeANodeAndAClientThroughAResume() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        PrometheusMeterRegistry clientMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (RedisServer redis = RedisServer.start();
                PeerProcess serve = PeerProcess.start(java, "-cp", System.getProperty("java.class.path"),
                        "io.tether.app.TetherCli", "serve", "--port", "0", "--metrics", "--store", redis.uri())) {
            int port = Integer.parseInt(serve.nextLine(WAIT).replaceAll(".*:(\\d+)/echo$", "$1"));
            resumeASessionThroughACut(port, clientMeters);
            try (RawWebSocket refused = RawWebSocket.open(port)) {
                assertThat(refused.requestUpgrade("/echo", "Origin: https://evil.example")).startsWith("HTTP/1.1 403");
            }
            Run gc = run(TOOL_WAIT, Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(serve.pid()), "GC.run");
            assertThat(gc.exit()).as("jcmd GC.run:\n%s", gc.all()).isZero();
            Map<String, Set<String>> server = new HashMap<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                server.clear();
                server.putAll(exported(get(port, "/metrics")));
                return server.containsKey("jvm_gc_pause_seconds_count") && server.containsKey("tether_connections_closed_total");
            });
            return new Scrapes(server, exported(clientMeters.scrape()));
        }
    }

    private static void resumeASessionThroughACut(int port, PrometheusMeterRegistry clientMeters) throws Exception {
        Events events = new Events();
        try (FaultProxy proxy = FaultProxy.start(port);
                TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true).meterRegistry(clientMeters)
                        .reconnect(ReconnectPolicy.builder().backoff(Backoff.constant(Duration.ofMillis(50))).build())
                        .build())) {
            TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), events);
            events.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            socket.sendText("before the cut").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(events.echoed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("before the cut");
            proxy.killAll();
            events.resumed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            socket.close().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static final class Events implements SocketListener {
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        final CompletableFuture<String> echoed = new CompletableFuture<>();
        final CompletableFuture<Void> resumed = new CompletableFuture<>();

        @Override
        public void onOpen(TetherSocket socket) {
            opened.complete(null);
        }

        @Override
        public void onText(TetherSocket socket, String text) {
            echoed.complete(text);
        }

        @Override
        public void onResumed(TetherSocket socket) {
            resumed.complete(null);
        }
    }

    /**
     * The body of {@code GET path} on 127.0.0.1:port, read to the end (the server closes): a scrape
     * is over 200 KB, more than RawWebSocket.readUntilClosed takes.
     */
    private static String get(int port, String path) throws IOException {
        try (Socket http = new Socket(InetAddress.getLoopbackAddress(), port)) {
            http.setSoTimeout((int) WAIT.toMillis());
            http.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(http.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** Sample name → label names, as prometheus_client's parser (parse_metrics.py) reads {@code text}. */
    private static Map<String, Set<String>> exported(String text) throws Exception {
        Path file = Files.createTempFile("tether-scrape", ".txt");
        try {
            Files.writeString(file, text);
            Run parse = run(TOOL_WAIT, PYTHON.toString(), TEST_PYTHON.resolve("parse_metrics.py").toString(), file.toString());
            assertThat(parse.exit()).as("parse_metrics.py:\n%s", parse.err()).isZero();
            Map<String, Set<String>> names = new HashMap<>();
            for (String line : parse.out().lines().takeWhile(l -> !l.equals("END")).toList()) {
                JsonNode sample = JSON.readTree(line);
                Set<String> labels = names.computeIfAbsent(sample.path("name").asText(), k -> new TreeSet<>());
                sample.path("labels").fieldNames().forEachRemaining(labels::add);
            }
            return names;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // ---- files and tools ----

    private static List<JsonNode> alertRules() throws Exception {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : yaml(ALERTS).path("groups")) {
            group.path("rules").forEach(r -> {
                if (r.has("alert")) {
                    rules.add(r);
                }
            });
        }
        return rules;
    }

    /** Every panel but rows, those inside collapsed rows included. */
    private static List<JsonNode> panels() throws IOException {
        List<JsonNode> panels = new ArrayList<>();
        collect(JSON.readTree(DASHBOARD.toFile()).path("panels"), panels);
        return panels;
    }

    private static void collect(JsonNode list, List<JsonNode> into) {
        for (JsonNode panel : list) {
            if (panel.path("type").asText().equals("row")) {
                collect(panel.path("panels"), into);
            } else {
                into.add(panel);
            }
        }
    }

    /** A YAML file as JSON, read by Debian's python3-yaml (there is no YAML parser on this classpath). */
    private static JsonNode yaml(Path file) throws Exception {
        Run read = run(TOOL_WAIT, PYTHON.toString(), TEST_PYTHON.resolve("yaml_to_json.py").toString(), file.toString());
        assertThat(read.exit()).as("yaml_to_json.py %s:\n%s", file, read.all()).isZero();
        return JSON.readTree(read.out());
    }

    /** GitHub's anchors of the headings in a Markdown file. */
    private static Set<String> anchors(Path markdown) throws IOException {
        return Files.readAllLines(markdown).stream().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "")
                        .replace(' ', '-'))
                .collect(Collectors.toSet());
    }

    /** promtool from PATH; a missing one fails the test: the monitoring files are unchecked without it. */
    private static String promtool() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable)
                .findFirst().map(Path::toString)
                .orElseThrow(() -> new AssertionError("promtool is not on PATH: install Debian's prometheus package"
                        + " (apt-get install prometheus; it is listed in scripts/debian-packages.txt)"));
    }

    private record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** Runs a command to its end within {@code timeout} (else kills it, by its handle, and fails). */
    private static Run run(Duration timeout, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tether-tool", ".out");
        Path err = Files.createTempFile("tether-tool", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " still running after " + timeout + ":\n"
                        + Files.readString(out) + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
