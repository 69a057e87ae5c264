package io.tether.app;

import io.tether.server.ConnectionLimits;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code tether serve}'s connection, rate and queue limits (0 turns one off). */
final class LimitOptions {
    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_CONNECTIONS,
            description = "WebSocket connections open at once; more get 503 + Retry-After (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "0",
            description = "Connections open at once from one client address; more get 503 (default off).")
    int maxConnectionsPerAddress;

    @Option(names = "--handshake-rate-per-address", paramLabel = "R", defaultValue = "0",
            description = "New handshakes per second from one client address; more get 429 + Retry-After (default off).")
    double handshakeRatePerAddress;

    @Option(names = "--handshake-burst-per-address", paramLabel = "N", defaultValue = "20",
            description = "Handshakes one address may make at once under --handshake-rate-per-address (default ${DEFAULT-VALUE}).")
    int handshakeBurstPerAddress;

    @Option(names = "--max-message-rate", paramLabel = "R", defaultValue = "0",
            description = "Messages per second one connection may send; beyond the burst it is closed with 1008 (default off).")
    double maxMessageRate;

    @Option(names = "--message-burst", paramLabel = "N", defaultValue = "100",
            description = "Messages a connection may send at once under --max-message-rate (default ${DEFAULT-VALUE}).")
    int messageBurst;

    @Option(names = "--max-queued-bytes", converter = SizeConverter.class, paramLabel = "SIZE", defaultValue = "32MiB",
            description = "Outbound bytes waiting for a slow reader before its connection is closed with 1013 (default ${DEFAULT-VALUE}).")
    int maxQueuedBytes;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_SESSIONS,
            description = "tether.v1 sessions one endpoint holds on this node; a new one beyond is closed with 1013"
                    + " (default ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--max-replay-bytes", converter = SizeConverter.class, paramLabel = "SIZE", defaultValue = "16MiB",
            description = "Unacknowledged bytes a tether.v1 session keeps per direction for a resume; a send beyond"
                    + " fails with backpressure (default ${DEFAULT-VALUE}).")
    int maxReplayBytes;

    @Option(names = "--session-ttl", converter = DurationConverter.class, paramLabel = "D", defaultValue = "2m",
            description = "How long a tether.v1 session waits for its client to come back before it expires and its"
                    + " unacknowledged messages fail (default ${DEFAULT-VALUE}); cover your clients' outages.")
    java.time.Duration sessionTtl;

    @Option(names = "--trusted-proxy", paramLabel = "IP",
            description = "A proxy in front (e.g. nginx) whose X-Forwarded-For names the client for the per-address limits; repeatable.")
    List<String> trustedProxies = List.of();

    io.tether.core.session.SessionConfig sessions() {
        return io.tether.core.session.SessionConfig.DEFAULT.toBuilder().replayMaxBytes(maxReplayBytes).ttl(sessionTtl)
                .build();
    }

    ConnectionLimits toLimits() {
        return ConnectionLimits.builder().maxConnections(maxConnections)
                .maxConnectionsPerAddress(maxConnectionsPerAddress)
                .handshakesPerAddress(handshakeRatePerAddress, handshakeBurstPerAddress)
                .inboundMessages(maxMessageRate, messageBurst)
                .maxQueuedBytes(maxQueuedBytes).maxSessions(maxSessions)
                .trustedProxies(new LinkedHashSet<>(trustedProxies)).build();
    }
}
