package io.tether.spring.boot;

import io.tether.core.session.SessionConfig;
import io.tether.server.ConnectionLimits;
import io.tether.server.ServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * {@code tether.server.*}: the Tether server the starter runs. Every default is the library's own
 * ({@link ServerConfig}), except the port: 8080 belongs to Spring's web server.
 */
@ConfigurationProperties("tether.server")
public class TetherServerProperties extends ConnectionProperties {
    /** The port the starter listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 8081;

    /** Whether to start a Tether server (it needs at least one endpoint bean). */
    private boolean enabled = true;

    /** Address to listen on; 0.0.0.0 for every interface. */
    private String host = ServerConfig.DEFAULT_HOST;

    /** Port to listen on; 0 picks a free one (see TetherServerLifecycle.port()). */
    private int port = DEFAULT_PORT;

    /** This node's id in a cluster (session ownership, the node tag of metrics); random when unset. */
    private @Nullable String nodeId;

    /** How long this node's claim on its sessions lasts in a shared store without renewal. */
    private Duration nodeLease = ServerConfig.DEFAULT_NODE_LEASE;

    /** How long a resume waits for an unreachable shared store before the client is told to retry. */
    private Duration storeOutageWait = ServerConfig.DEFAULT_STORE_OUTAGE_WAIT;

    @NestedConfigurationProperty
    private final HeartbeatProperties heartbeat = new HeartbeatProperties();

    private final Limits limits = new Limits();

    private final Sessions sessions = new Sessions();

    private final Shutdown shutdown = new Shutdown();

    /** {@code tether.server.limits.*}: what one client, and all of them together, may take. 0 turns a limit off. */
    public static class Limits {
        /** WebSocket connections open at once; more get 503 with Retry-After. */
        private int maxConnections = ConnectionLimits.DEFAULT_MAX_CONNECTIONS;

        /** Connections open at once from one client address; more get 503. */
        private int maxConnectionsPerAddress;

        /** New handshakes per second from one client address; more get 429 with Retry-After. */
        private double handshakeRatePerAddress;

        /** Handshakes one address may make at once under handshake-rate-per-address. */
        private int handshakeBurstPerAddress = 20;

        /** Messages per second one connection may send; beyond the burst it is closed with 1008. */
        private double maxMessageRate;

        /** Messages a connection may send at once under max-message-rate. */
        private int messageBurst = 100;

        /** Outbound bytes waiting for a slow reader before its connection is closed with 1013. */
        private DataSize maxQueuedBytes = DataSize.ofBytes(ConnectionLimits.DEFAULT_MAX_QUEUED_BYTES);

        /** tether.v1 sessions one endpoint holds on this node; a new one beyond is closed with 1013. */
        private int maxSessions = ConnectionLimits.DEFAULT_MAX_SESSIONS;

        /** Proxies in front (e.g. nginx) whose X-Forwarded-For names the client for the per-address limits. */
        private List<String> trustedProxies = new ArrayList<>();

        ConnectionLimits toLimits() {
            return ConnectionLimits.builder().maxConnections(maxConnections)
                    .maxConnectionsPerAddress(maxConnectionsPerAddress)
                    .handshakesPerAddress(handshakeRatePerAddress, handshakeBurstPerAddress)
                    .inboundMessages(maxMessageRate, messageBurst)
                    .maxQueuedBytes(maxQueuedBytes.toBytes()).maxSessions(maxSessions)
                    .trustedProxies(new LinkedHashSet<>(trustedProxies)).build();
        }

        public int getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public int getMaxConnectionsPerAddress() {
            return maxConnectionsPerAddress;
        }

        public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        }

        public double getHandshakeRatePerAddress() {
            return handshakeRatePerAddress;
        }

        public void setHandshakeRatePerAddress(double handshakeRatePerAddress) {
            this.handshakeRatePerAddress = handshakeRatePerAddress;
        }

        public int getHandshakeBurstPerAddress() {
            return handshakeBurstPerAddress;
        }

        public void setHandshakeBurstPerAddress(int handshakeBurstPerAddress) {
            this.handshakeBurstPerAddress = handshakeBurstPerAddress;
        }

        public double getMaxMessageRate() {
            return maxMessageRate;
        }

        public void setMaxMessageRate(double maxMessageRate) {
            this.maxMessageRate = maxMessageRate;
        }

        public int getMessageBurst() {
            return messageBurst;
        }

        public void setMessageBurst(int messageBurst) {
            this.messageBurst = messageBurst;
        }

        public DataSize getMaxQueuedBytes() {
            return maxQueuedBytes;
        }

        public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
            this.maxQueuedBytes = maxQueuedBytes;
        }

        public int getMaxSessions() {
            return maxSessions;
        }

        public void setMaxSessions(int maxSessions) {
            this.maxSessions = maxSessions;
        }

        public List<String> getTrustedProxies() {
            return trustedProxies;
        }

        public void setTrustedProxies(List<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
        }
    }

    /** {@code tether.server.sessions.*}: how long tether.v1 sessions wait for their clients, and what they keep. */
    public static class Sessions {
        /**
         * How long a session waits for its client to come back before it expires and its
         * unacknowledged messages fail; cover your clients' outages.
         */
        private Duration ttl = SessionConfig.DEFAULT_TTL;

        /** Unacknowledged bytes a session keeps per direction for a resume; a send beyond fails with backpressure. */
        private DataSize replayMaxBytes = DataSize.ofBytes(SessionConfig.DEFAULT.replayMaxBytes());

        SessionConfig toConfig() {
            return SessionConfig.DEFAULT.toBuilder().ttl(ttl).replayMaxBytes(replayMaxBytes.toBytes()).build();
        }

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public DataSize getReplayMaxBytes() {
            return replayMaxBytes;
        }

        public void setReplayMaxBytes(DataSize replayMaxBytes) {
            this.replayMaxBytes = replayMaxBytes;
        }
    }

    /** {@code tether.server.shutdown.*}: how the server leaves when the application context closes. */
    public static class Shutdown {
        /**
         * Spread the closing of connections (1012, with a retry hint) over this long, so that their
         * clients reconnect to the other nodes spread out. Keep it below
         * spring.lifecycle.timeout-per-shutdown-phase.
         */
        private Duration drainWindow = Duration.ZERO;

        /** The retry hint sent in the 1012 close reason: reconnect no sooner than this. */
        private Duration restartRetryAfter = ServerConfig.DEFAULT_RESTART_RETRY_AFTER;

        public Duration getDrainWindow() {
            return drainWindow;
        }

        public void setDrainWindow(Duration drainWindow) {
            this.drainWindow = drainWindow;
        }

        public Duration getRestartRetryAfter() {
            return restartRetryAfter;
        }

        public void setRestartRetryAfter(Duration restartRetryAfter) {
            this.restartRetryAfter = restartRetryAfter;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public @Nullable String getNodeId() {
        return nodeId;
    }

    public void setNodeId(@Nullable String nodeId) {
        this.nodeId = nodeId;
    }

    public Duration getNodeLease() {
        return nodeLease;
    }

    public void setNodeLease(Duration nodeLease) {
        this.nodeLease = nodeLease;
    }

    public Duration getStoreOutageWait() {
        return storeOutageWait;
    }

    public void setStoreOutageWait(Duration storeOutageWait) {
        this.storeOutageWait = storeOutageWait;
    }

    public HeartbeatProperties getHeartbeat() {
        return heartbeat;
    }

    public Limits getLimits() {
        return limits;
    }

    public Sessions getSessions() {
        return sessions;
    }

    public Shutdown getShutdown() {
        return shutdown;
    }
}
