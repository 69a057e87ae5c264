package io.tether.app;

import io.tether.app.chat.ChatService;
import io.tether.app.chat.DemoLogin;
import io.tether.core.FrameLimits;
import io.tether.redis.RedisSessionStores;
import io.tether.server.AdmissionConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.ServerStartException;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.server.demo.EchoSessions;
import io.tether.server.auth.JwtIssuer;
import io.tether.server.rooms.InMemoryRoomBus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tether serve}: runs the server until SIGTERM or Ctrl-C, then stops gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Tether server: the chat page at /, its endpoint /chat, and the echo endpoint /echo.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "H", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
            description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--drain-window", converter = DurationConverter.class, paramLabel = "D", defaultValue = "0",
            description = "On SIGTERM, close connections (1012 + retry hint) spread over this window (default ${DEFAULT-VALUE}).")
    Duration drainWindow;

    @Option(names = "--retry-hint", converter = DurationConverter.class, paramLabel = "D", defaultValue = "1s",
            description = "Retry-after hint sent with the 1012 Close on shutdown (default ${DEFAULT-VALUE}).")
    Duration retryHint;

    @Option(names = "--admission-rate", paramLabel = "N",
            description = "Admit at most N new handshakes per second (503 + Retry-After beyond); default unlimited.")
    Double admissionRate;

    @Option(names = "--admission-burst", paramLabel = "N", defaultValue = "100",
            description = "Handshakes admitted at once under --admission-rate (default ${DEFAULT-VALUE}).")
    int admissionBurst;

    @Option(names = "--max-frame-size", converter = SizeConverter.class, paramLabel = "SIZE",
            description = "Largest frame payload accepted (1009 beyond it), e.g. 64KiB or 16MiB; default 1MiB.")
    @Nullable Integer maxFrameSize;

    @Option(names = "--max-message-size", converter = SizeConverter.class, paramLabel = "SIZE",
            description = "Largest message after joining fragments (1009 beyond it); default 1MiB,"
                    + " or --max-frame-size when that is larger.")
    @Nullable Integer maxMessageSize;

    @Option(names = "--stats-interval", converter = DurationConverter.class, paramLabel = "D",
            description = "Print handshake and connection counters on stdout every D.")
    Duration statsInterval;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "memory",
            description = "Where tether.v1 sessions live: memory (this process; a restart resets them, the default),"
                    + " redis://HOST:PORT (one Redis) or redis://H1:P1,H2:P2,... (Redis Cluster seeds), shared by"
                    + " every node that names it: then any node resumes any session.")
    String store;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "This node's name among the nodes sharing a store (default: node-<8 random hex digits>).")
    @Nullable String nodeId;

    @Option(names = "--node-lease", converter = DurationConverter.class, paramLabel = "D", defaultValue = "10s",
            description = "With a shared store: how long this node counts as alive after each renewal (every fifth of"
                    + " it); the sessions attached on a node that died expire a session TTL after its lease ended.")
    Duration nodeLease;

    @Option(names = "--store-outage-wait", converter = DurationConverter.class, paramLabel = "D", defaultValue = "10s",
            description = "With a shared store: how long a session waits for an unreachable store, its connection up,"
                    + " before it is let go (1013); 0 lets it go at once.")
    Duration storeOutageWait;

    @Option(names = "--metrics",
            description = "Serve the server's meters at /metrics in the Prometheus text format (docs/operations.md):"
                    + " on the main port, or on --admin-port when given.")
    boolean metrics;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "Also serve /health/live and /health/ready (and /metrics with --metrics, then only there)"
                    + " on this port of --host, plain HTTP; 0 picks a free one.")
    @Nullable Integer adminPort;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log lines on stderr as text (the default) or json (one object per line, for log shippers;"
                    + " connection and session ids as fields).")
    String logFormat;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "Lowest level logged: error, warn, info (the default: one line per connection and session"
                    + " event, throttled), debug, trace (per message).")
    String logLevel;

    @Mixin
    HeartbeatOptions heartbeat;

    @Mixin
    SecurityOptions security;

    @Mixin
    LimitOptions limits;

    @Mixin
    CompressionOptions compression;

    /** ServerConfig's own rule ({@link FrameLimits#validate}), told in the options' names. */
    private static @Nullable String sizeProblem(int frame, int message) {
        if (frame < FrameLimits.MIN_FRAME_SIZE) {
            return "--max-frame-size must be at least " + FrameLimits.MIN_FRAME_SIZE + "B (a control frame), was " + frame + "B";
        }
        if (message < frame) {
            return "--max-message-size (" + message + "B) must be at least --max-frame-size (" + frame + "B)";
        }
        return null;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            spec.commandLine().getErr().println("tether serve: --log-format must be text or json, was " + logFormat);
            return 2;
        }
        if (!java.util.List.of("error", "warn", "info", "debug", "trace").contains(logLevel)) {
            spec.commandLine().getErr().println("tether serve: --log-level must be error, warn, info, debug or trace, was "
                    + logLevel);
            return 2;
        }
        LogSetup.apply(logFormat.equals("json") ? LogSetup.Format.JSON : LogSetup.Format.TEXT, logLevel);
        int frame = maxFrameSize != null ? maxFrameSize : ServerConfig.DEFAULT_MAX_FRAME_SIZE;
        int message = maxMessageSize != null ? maxMessageSize : Math.max(ServerConfig.DEFAULT_MAX_MESSAGE_SIZE, frame);
        String sizeProblem = sizeProblem(frame, message);
        if (sizeProblem != null) {
            spec.commandLine().getErr().println("tether serve: " + sizeProblem);
            return 2;
        }
        RedisSessionStores redis = null;
        ChatService chat;
        ServerConfig config;
        PrometheusMeterRegistry prometheus = null;
        try {
            ServerConfig.Builder builder = ServerConfig.builder();
            String node = nodeId != null ? nodeId : "node-" + String.format("%08x", new java.security.SecureRandom().nextInt());
            builder.nodeId(node);
            if (store.startsWith("redis://") || store.startsWith("rediss://")) {
                redis = RedisSessionStores.connect(store);
                builder.sessionStores(redis);
            } else if (!store.equals("memory")) {
                spec.commandLine().getErr().println("tether serve: --store must be memory or redis://host:port[,host:port...], was "
                        + store);
                return 2;
            }
            // The chat's rooms live where the sessions do: with Redis, every node shares them.
            chat = redis != null ? new ChatService(redis.rooms(), "/chat", node, ChatService.ROOMS, 50)
                    : new ChatService(new InMemoryRoomBus(), "/chat", node, ChatService.ROOMS, 50);
            boolean demoLogin = security.demoLogin();
            byte[] secret = security.secret();
            if (secret != null && demoLogin) {
                builder.route(DemoLogin.PATH, new DemoLogin(JwtIssuer.hmac(secret, security.jwtIssuer,
                        security.jwtAudience, Clock.systemUTC()), security.demoTokenLifetime));
            }
            if (metrics) {
                prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                prometheus.config().commonTags("node", node);
                JvmMeters.bind(prometheus);
                builder.meterRegistry(prometheus);
                if (adminPort == null) {
                    builder.route(MetricsRoute.PATH, new MetricsRoute(prometheus));
                }
            }
            config = builder.host(host).port(port)
                    .authenticator(security.authenticator(secret))
                    .credentialsGrace(security.credentialsGrace)
                    .origins(security.origins())
                    .tls(security.tls())
                    .limits(limits.toLimits())
                    .sessions(limits.sessions())
                    .maxFrameSize(frame).maxMessageSize(message)
                    .heartbeat(heartbeat.toConfig())
                    .compression(compression.toConfig())
                    .drainWindow(drainWindow)
                    .nodeLease(nodeLease)
                    .storeOutageWait(storeOutageWait)
                    .restartRetryAfter(retryHint)
                    .admission(admissionRate == null ? AdmissionConfig.UNLIMITED
                            : AdmissionConfig.limit(admissionRate, admissionBurst))
                    .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions()))
                    .endpoint(Endpoint.sessionsOnly("/chat", chat))
                    .staticRoot("web")
                    .build();
        } catch (IllegalArgumentException | IOException e) {
            closeQuietly(redis);
            spec.commandLine().getErr().println("tether serve: " + (e instanceof IOException ? "cannot read " : "")
                    + e.getMessage());
            return 2;
        }
        java.util.concurrent.atomic.AtomicReference<TetherServer> started = new java.util.concurrent.atomic.AtomicReference<>();
        AdminServer admin = null;
        if (adminPort != null) {
            try {
                admin = AdminServer.start(host, adminPort, prometheus, started::get);
            } catch (IOException | RuntimeException e) {
                chat.close();
                closeQuietly(redis);
                spec.commandLine().getErr().println("tether serve: cannot listen on admin port " + adminPort + ": " + e);
                return 1;
            }
        }
        TetherServer server;
        try {
            server = TetherServer.start(config);
            started.set(server);
        } catch (ServerStartException e) {
            chat.close();
            closeQuietly(redis);
            if (admin != null) {
                admin.close();
            }
            spec.commandLine().getErr().println("tether serve: " + e.getMessage());
            return 1;
        }
        AdminServer adminServer = admin;
        RedisSessionStores stores = redis;
        ChatService chatService = chat;
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping: closing " + server.connectionCount() + " connections");
            out.flush();
            server.stop().toCompletableFuture().join();
            if (adminServer != null) {
                adminServer.close();
            }
            chatService.close();
            closeQuietly(stores);
            stopped.complete(null);
        }, "tether-shutdown"));
        String secure = config.tls() != null ? "s" : "";
        out.println("Tether serving ws" + secure + "://" + host + ":" + server.port() + "/echo");
        out.println("Node " + config.nodeId() + ", sessions in " + (stores == null ? "memory" : store));
        out.println("Chat at http" + secure + "://" + host + ":" + server.port() + "/");
        if (adminServer != null) {
            out.println("Admin at http://" + host + ":" + adminServer.port() + "/health/ready"
                    + (prometheus != null ? " and /metrics" : ""));
        }
        out.flush();
        if (statsInterval != null) {
            StatsPrinter.start(server, statsInterval, out);
        }
        stopped.join();
        return 0;
    }

    private static void closeQuietly(@Nullable RedisSessionStores stores) {
        if (stores != null) {
            stores.close();
        }
    }
}
