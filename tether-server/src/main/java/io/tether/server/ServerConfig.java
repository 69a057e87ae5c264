package io.tether.server;

import static io.tether.core.Durations.requirePositive;

import io.tether.core.CompressionConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.tether.core.FrameLimits;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.session.SessionConfig;
import io.tether.server.store.InMemorySessionStore;
import io.tether.server.store.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Immutable server configuration; build with {@link #builder()}. Every value is validated when the
 * record is built, and a bad value fails with a message naming the setting.
 *
 * @param host address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port TCP port; 0 picks a free one (see {@link TetherServer#port()})
 * @param endpoints WebSocket endpoints, paths unique
 * @param handshakeTimeout time a new TCP connection has to complete the opening handshake
 * @param maxFrameSize largest frame payload accepted, bytes; larger frames close with 1009
 * @param maxMessageSize largest message after joining fragments, bytes; larger close with 1009
 * @param closeTimeout how long to wait for the client's Close frame after sending ours
 * @param heartbeat server-side heartbeat
 * @param ioThreads event loops; 0 lets Netty choose (twice the cores)
 * @param sslContext TLS context (with the server's key) to serve {@code wss://}; null serves plain {@code ws://}
 * @param admission limit on new handshakes per second (off by default)
 * @param drainWindow on {@link TetherServer#stop()}, the time over which connections are closed,
 *     spread evenly in random order, so that their clients come back spread out; zero closes all at once
 * @param restartRetryAfter the retry-after hint sent with the 1012 Close of a drain
 * @param sessions settings of {@code tether.v1} sessions (time-to-live, replay buffer, acks)
 * @param staticRoot classpath directory whose files are served for plain GET requests outside the
 *     endpoints ({@code /} is {@code index.html}); null serves none
 * @param handshakeGate decides, for every endpoint, which handshakes are accepted (before the
 *     endpoint's own {@link Endpoint#gate()}); {@link HandshakeGate#ACCEPT_ALL} by default
 * @param sessionStores where {@code tether.v1} sessions are kept, one store per endpoint; in this
 *     process's memory by default (a restart resets every session). A shared store (Redis) lets a
 *     session outlive the process and resume on any node; the server closes the stores it opened
 *     when it stops, the factory's own resources stay with whoever made it
 * @param nodeId this server's name among the nodes sharing a store (for ownership and logs);
 *     default {@code node-} and 8 random hex digits
 * @param nodeLease with a shared store: how long this node is taken for alive after each renewal
 *     of its lease, renewed every fifth of it ({@link #NODE_LEASE_RENEWALS}). If the node dies
 *     (SIGKILL) holding connections, the sessions attached there are treated as detached at the end
 *     of its lease: another node expires them a session TTL after that (and the sweep grace, 2 s).
 *     Shorter reacts sooner to a dead node; a node that cannot renew it for that long (a pause, the
 *     store unreachable) has its attached sessions expired by others. Default
 *     {@link #DEFAULT_NODE_LEASE}
 * @param storeOutageWait with a shared store: how long a session's store write that failed because
 *     the store is unreachable is tried again (waits from 100 ms doubling to 1 s) before the session
 *     is let go (1013 to its client). Meanwhile its connection stays open, heartbeats go on, and
 *     what needs the store (a send's completion, the delivery of the client's next messages) waits.
 *     Zero: let go at the first failure. Default {@link #DEFAULT_STORE_OUTAGE_WAIT}
 * @param authenticator who opens each connection, from its handshake (see
 *     {@link io.tether.server.auth.JwtAuthenticator}); {@link Authenticator#ANONYMOUS} by default.
 *     Each endpoint's {@link Endpoint#authorizer()} then decides who may use it
 * @param origins which web origins may connect (403 otherwise); {@link OriginPolicy#ANY} by default
 *     in the library ({@code tether serve} allows only its own pages unless told otherwise)
 * @param credentialsGrace how long a connection may stay open after its principal's credentials
 *     expired ({@link io.tether.core.Principal#expiresAt()}): then it is closed with
 *     {@link io.tether.core.CloseCodes#CREDENTIALS_EXPIRED}, which Tether's client answers by
 *     reconnecting with fresh credentials (a session resumes). Default {@link #DEFAULT_CREDENTIALS_GRACE}
 * @param limits connection, rate, queue and session limits; {@link ConnectionLimits#DEFAULT}
 * @param tls TLS from PEM files, reloaded when they change; null for none. Exclusive with {@code sslContext}
 * @param routes plain HTTP answers by exact path (see {@link HttpRoute}); a WebSocket endpoint at the
 *     same path wins for upgrades, a route wins over the health endpoints and static files
 * @param compression permessage-deflate (RFC 7692) for clients that offer it; off by default
 *     ({@link CompressionConfig#DISABLED}). Inflated frames are held to {@code maxFrameSize} and
 *     inflated messages to {@code maxMessageSize} (1009 beyond), however small they were on the wire
 * @param meterRegistry where the server's meters go ({@code tether.*}: connections, handshakes,
 *     sessions; see docs/operations.md); null (the default) registers none
 */
public record ServerConfig(String host, int port, List<Endpoint> endpoints, Duration handshakeTimeout,
        int maxFrameSize, int maxMessageSize, Duration closeTimeout, HeartbeatConfig heartbeat, int ioThreads,
        @Nullable SSLContext sslContext, AdmissionConfig admission, Duration drainWindow, Duration restartRetryAfter,
        SessionConfig sessions, @Nullable String staticRoot, HandshakeGate handshakeGate,
        SessionStore.Factory sessionStores, String nodeId, Duration nodeLease, Duration storeOutageWait,
        Authenticator authenticator, OriginPolicy origins, Duration credentialsGrace, ConnectionLimits limits,
        @Nullable TlsConfig tls, Map<String, HttpRoute> routes,
        CompressionConfig compression, @Nullable MeterRegistry meterRegistry) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 20;
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESTART_RETRY_AFTER = Duration.ofSeconds(1);
    /** 10 s: renewed every 2 s, so four renewals in a row may fail before the lease ends. */
    public static final Duration DEFAULT_NODE_LEASE = Duration.ofSeconds(10);
    /** How many times per {@link #nodeLease()} the lease is renewed. */
    public static final int NODE_LEASE_RENEWALS = 5;
    /** 10 s: a Redis restart or a replica's promotion fits; a longer outage lets sessions go. */
    public static final Duration DEFAULT_STORE_OUTAGE_WAIT = Duration.ofSeconds(10);
    /** 30 s: time for a client to fetch a fresh token in-band before it is made to reconnect. */
    public static final Duration DEFAULT_CREDENTIALS_GRACE = Duration.ofSeconds(30);
    /** Bytes a queued replayed message costs beyond its payload: DATA and frame headers, Netty's bookkeeping. */
    static final int REPLAY_OVERHEAD_PER_MESSAGE = 256;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        endpoints = List.copyOf(endpoints);
        Set<String> paths = new HashSet<>();
        for (Endpoint e : endpoints) {
            if (!paths.add(e.path())) {
                throw new IllegalArgumentException("endpoints: path " + e.path() + " is declared twice");
            }
        }
        requirePositive(handshakeTimeout, "handshakeTimeout");
        FrameLimits.validate(maxFrameSize, maxMessageSize);
        requirePositive(closeTimeout, "closeTimeout");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must not be negative, was " + ioThreads);
        }
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(drainWindow, "drainWindow");
        if (drainWindow.isNegative()) {
            throw new IllegalArgumentException("drainWindow must not be negative, was " + drainWindow);
        }
        Objects.requireNonNull(restartRetryAfter, "restartRetryAfter");
        if (restartRetryAfter.isNegative()) {
            throw new IllegalArgumentException("restartRetryAfter must not be negative, was " + restartRetryAfter);
        }
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(handshakeGate, "handshakeGate");
        Objects.requireNonNull(sessionStores, "sessionStores");
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank() || nodeId.length() > 64) {
            throw new IllegalArgumentException("nodeId must be 1 to 64 characters, was '" + nodeId + "'");
        }
        requirePositive(nodeLease, "nodeLease");
        Objects.requireNonNull(storeOutageWait, "storeOutageWait");
        if (storeOutageWait.isNegative()) {
            throw new IllegalArgumentException("storeOutageWait must not be negative, was " + storeOutageWait);
        }
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(credentialsGrace, "credentialsGrace");
        if (credentialsGrace.isNegative()) {
            throw new IllegalArgumentException("credentialsGrace must not be negative, was " + credentialsGrace);
        }
        Objects.requireNonNull(limits, "limits");
        long replay = sessions.replayMaxBytes() + REPLAY_OVERHEAD_PER_MESSAGE * (long) sessions.replayMaxMessages();
        boolean hasSessions = endpoints.stream().anyMatch(e -> e.sessions() != null);
        if (hasSessions && limits.maxQueuedBytes() > 0 && limits.maxQueuedBytes() < replay) {
            // A resume writes the whole replay buffer at once: a smaller bound would close every
            // resume of a full buffer as a slow reader, and the session could never catch up.
            throw new IllegalArgumentException("limits.maxQueuedBytes (" + limits.maxQueuedBytes() + ") must be at least"
                    + " sessions.replayMaxBytes + " + REPLAY_OVERHEAD_PER_MESSAGE + " × replayMaxMessages (" + replay
                    + "), or 0");
        }
        routes = Map.copyOf(routes);
        routes.keySet().forEach(path -> {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("routes: path must start with '/', was '" + path + "'");
            }
        });
        if (tls != null && sslContext != null) {
            throw new IllegalArgumentException("give either sslContext or tls (PEM files), not both");
        }
        if (nodeLease.toMillis() < NODE_LEASE_RENEWALS) {
            throw new IllegalArgumentException("nodeLease must be at least " + NODE_LEASE_RENEWALS + " ms, was " + nodeLease);
        }
        Objects.requireNonNull(compression, "compression");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder with the defaults above; {@link #build()} validates. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private HeartbeatConfig heartbeat = HeartbeatConfig.DEFAULT;
        private int ioThreads;
        private @Nullable SSLContext sslContext;
        private AdmissionConfig admission = AdmissionConfig.UNLIMITED;
        private Duration drainWindow = Duration.ZERO;
        private Duration restartRetryAfter = DEFAULT_RESTART_RETRY_AFTER;
        private SessionConfig sessions = SessionConfig.DEFAULT;
        private @Nullable String staticRoot;
        private HandshakeGate handshakeGate = HandshakeGate.ACCEPT_ALL;
        private SessionStore.Factory sessionStores = namespace -> new InMemorySessionStore();
        private String nodeId = "node-" + String.format("%08x", new java.security.SecureRandom().nextInt());
        private Duration nodeLease = DEFAULT_NODE_LEASE;
        private Duration storeOutageWait = DEFAULT_STORE_OUTAGE_WAIT;
        private Authenticator authenticator = Authenticator.ANONYMOUS;
        private OriginPolicy origins = OriginPolicy.ANY;
        private Duration credentialsGrace = DEFAULT_CREDENTIALS_GRACE;
        private ConnectionLimits limits = ConnectionLimits.DEFAULT;
        private @Nullable TlsConfig tls;
        private final Map<String, HttpRoute> routes = new LinkedHashMap<>();
        private CompressionConfig compression = CompressionConfig.DISABLED;
        private @Nullable MeterRegistry meterRegistry;

        private Builder() {
        }

        private Builder(ServerConfig from) {
            host = from.host;
            port = from.port;
            endpoints.addAll(from.endpoints);
            handshakeTimeout = from.handshakeTimeout;
            maxFrameSize = from.maxFrameSize;
            maxMessageSize = from.maxMessageSize;
            closeTimeout = from.closeTimeout;
            heartbeat = from.heartbeat;
            ioThreads = from.ioThreads;
            sslContext = from.sslContext;
            admission = from.admission;
            drainWindow = from.drainWindow;
            restartRetryAfter = from.restartRetryAfter;
            sessions = from.sessions;
            staticRoot = from.staticRoot;
            handshakeGate = from.handshakeGate;
            sessionStores = from.sessionStores;
            nodeId = from.nodeId;
            nodeLease = from.nodeLease;
            storeOutageWait = from.storeOutageWait;
            authenticator = from.authenticator;
            origins = from.origins;
            credentialsGrace = from.credentialsGrace;
            limits = from.limits;
            tls = from.tls;
            routes.putAll(from.routes);
            compression = from.compression;
            meterRegistry = from.meterRegistry;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        /** Adds an endpoint. */
        public Builder endpoint(Endpoint value) {
            endpoints.add(Objects.requireNonNull(value, "endpoint"));
            return this;
        }

        public Builder handshakeTimeout(Duration value) {
            handshakeTimeout = value;
            return this;
        }

        public Builder maxFrameSize(int value) {
            maxFrameSize = value;
            return this;
        }

        public Builder maxMessageSize(int value) {
            maxMessageSize = value;
            return this;
        }

        public Builder closeTimeout(Duration value) {
            closeTimeout = value;
            return this;
        }

        public Builder heartbeat(HeartbeatConfig value) {
            heartbeat = value;
            return this;
        }

        public Builder ioThreads(int value) {
            ioThreads = value;
            return this;
        }

        /** Serve TLS ({@code wss://}) with this context; null (the default) for plain {@code ws://}. */
        public Builder sslContext(@Nullable SSLContext value) {
            sslContext = value;
            return this;
        }

        public Builder admission(AdmissionConfig value) {
            admission = value;
            return this;
        }

        public Builder drainWindow(Duration value) {
            drainWindow = value;
            return this;
        }

        public Builder restartRetryAfter(Duration value) {
            restartRetryAfter = value;
            return this;
        }

        public Builder sessions(SessionConfig value) {
            sessions = value;
            return this;
        }

        /** Serves the files of this classpath directory (e.g. {@code "web"}) for plain GET requests. */
        public Builder staticRoot(@Nullable String value) {
            staticRoot = value;
            return this;
        }

        /** Runs {@code value} on every handshake, before the endpoint's gate; see {@link HandshakeGate}. */
        public Builder handshakeGate(HandshakeGate value) {
            handshakeGate = value;
            return this;
        }

        /** Keeps sessions in the stores {@code value} opens (one per endpoint); see {@link ServerConfig#sessionStores()}. */
        public Builder sessionStores(SessionStore.Factory value) {
            sessionStores = value;
            return this;
        }

        /** This node's name among the nodes that share a session store. */
        public Builder nodeId(String value) {
            nodeId = value;
            return this;
        }

        /** See {@link ServerConfig#nodeLease()}. */
        public Builder nodeLease(Duration value) {
            nodeLease = value;
            return this;
        }

        /** See {@link ServerConfig#storeOutageWait()}. */
        public Builder storeOutageWait(Duration value) {
            storeOutageWait = value;
            return this;
        }

        /** See {@link ServerConfig#authenticator()}. */
        public Builder authenticator(Authenticator value) {
            authenticator = value;
            return this;
        }

        /** See {@link ServerConfig#origins()}. */
        public Builder origins(OriginPolicy value) {
            origins = value;
            return this;
        }

        /** See {@link ServerConfig#credentialsGrace()}. */
        public Builder credentialsGrace(Duration value) {
            credentialsGrace = value;
            return this;
        }

        /** See {@link ServerConfig#limits()}. */
        public Builder limits(ConnectionLimits value) {
            limits = value;
            return this;
        }

        /** Serve {@code wss://} from PEM files; see {@link TlsConfig}. Null (default) for none. */
        public Builder tls(@Nullable TlsConfig value) {
            tls = value;
            return this;
        }

        /** Answers plain HTTP requests for {@code path} with {@code route}; see {@link HttpRoute}. */
        public Builder route(String path, HttpRoute route) {
            routes.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(route, "route"));
            return this;
        }

        /** permessage-deflate for clients that offer it; see {@link ServerConfig#compression()}. */
        public Builder compression(CompressionConfig value) {
            compression = value;
            return this;
        }

        /** See {@link ServerConfig#meterRegistry()}. */
        public Builder meterRegistry(@Nullable MeterRegistry value) {
            meterRegistry = value;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, endpoints, handshakeTimeout, maxFrameSize, maxMessageSize,
                    closeTimeout, heartbeat, ioThreads, sslContext, admission, drainWindow, restartRetryAfter, sessions,
                    staticRoot, handshakeGate, sessionStores, nodeId, nodeLease, storeOutageWait, authenticator, origins,
                    credentialsGrace, limits, tls, routes, compression, meterRegistry);
        }
    }
}
