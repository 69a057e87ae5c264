package io.tether.client;

import static io.tether.core.Durations.requirePositive;

import io.micrometer.core.instrument.MeterRegistry;
import io.tether.core.CompressionConfig;
import io.tether.core.FrameLimits;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.outbox.OutboxConfig;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.session.SessionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Immutable client configuration; build with {@link #builder()}. Invalid values fail when built,
 * with a message naming the setting.
 *
 * @param connectTimeout time allowed for the TCP (and TLS) connection
 * @param handshakeTimeout time allowed for the server's answer to the upgrade request
 * @param headers extra request headers sent with every handshake (e.g. Authorization)
 * @param subprotocols subprotocols to offer, in order of preference
 * @param maxFrameSize largest frame accepted from the server, bytes (1009 beyond)
 * @param maxMessageSize largest message after joining fragments, bytes (1009 beyond)
 * @param closeTimeout how long to wait for the server's side of the close handshake
 * @param heartbeat client-side heartbeat
 * @param ioThreads event loops; 0 lets Netty choose (twice the cores)
 * @param sslContext TLS context for {@code wss://}; null uses the JVM's default trust store
 * @param reconnect how a {@link TetherSocket} retries (not used by one-shot {@link TetherClient#connect})
 * @param outbox what a {@link TetherSocket} does with sends while it is not open
 * @param resumable whether a {@link TetherSocket} offers {@code tether.v1} sessions (resume without
 *     loss or duplicates); servers that do not speak it get plain WebSocket
 * @param sessions session settings (replay buffer, acks) used when {@code resumable}
 * @param credentials what each handshake presents (asked before every attempt, see {@link Credentials});
 *     {@link Credentials#NONE} by default
 * @param trustedCertificates a PEM file of the certificate authorities to trust for {@code wss://}
 *     (instead of the JVM's trust store), e.g. a private CA; null for the JVM's. Exclusive with
 *     {@code sslContext}
 * @param compression permessage-deflate (RFC 7692) offered to the server; off by default
 *     ({@link CompressionConfig#DISABLED}). Inflated frames and messages are held to
 *     {@code maxFrameSize} and {@code maxMessageSize} (1009 beyond)
 * @param meterRegistry where the client's meters go ({@code tether.client.*}: reconnects by cause,
 *     outages, heartbeat round trips, resumes, replays; see docs/operations.md); null (the default)
 *     registers none
 */
public record ClientConfig(Duration connectTimeout, Duration handshakeTimeout, Map<String, String> headers,
        List<String> subprotocols, int maxFrameSize, int maxMessageSize, Duration closeTimeout,
        HeartbeatConfig heartbeat, int ioThreads, @Nullable SSLContext sslContext, ReconnectPolicy reconnect,
        OutboxConfig outbox, boolean resumable, SessionConfig sessions, Credentials credentials,
        @Nullable Path trustedCertificates, CompressionConfig compression, @Nullable MeterRegistry meterRegistry) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 20;
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    public static final ClientConfig DEFAULT = builder().build();

    public ClientConfig {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        headers = Map.copyOf(headers);
        for (String name : headers.keySet()) {
            if (name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c >= 127)) {
                throw new IllegalArgumentException("headers: '" + name + "' is not a valid header name");
            }
        }
        subprotocols = List.copyOf(subprotocols);
        for (String p : subprotocols) {
            if (p.isBlank() || p.contains(",") || p.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                throw new IllegalArgumentException("subprotocols: '" + p + "' is not a valid subprotocol token");
            }
        }
        FrameLimits.validate(maxFrameSize, maxMessageSize);
        requirePositive(closeTimeout, "closeTimeout");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must not be negative, was " + ioThreads);
        }
        Objects.requireNonNull(reconnect, "reconnect");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(credentials, "credentials");
        if (trustedCertificates != null && sslContext != null) {
            throw new IllegalArgumentException("give either sslContext or trustedCertificates, not both");
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
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private List<String> subprotocols = List.of();
        private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private HeartbeatConfig heartbeat = HeartbeatConfig.DEFAULT;
        private int ioThreads;
        private @Nullable SSLContext sslContext;
        private Credentials credentials = Credentials.NONE;
        private @Nullable Path trustedCertificates;
        private ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;
        private OutboxConfig outbox = OutboxConfig.DEFAULT;
        private boolean resumable;
        private SessionConfig sessions = SessionConfig.DEFAULT;
        private CompressionConfig compression = CompressionConfig.DISABLED;
        private @Nullable MeterRegistry meterRegistry;

        private Builder() {
        }

        private Builder(ClientConfig from) {
            connectTimeout = from.connectTimeout;
            handshakeTimeout = from.handshakeTimeout;
            headers.putAll(from.headers);
            subprotocols = from.subprotocols;
            maxFrameSize = from.maxFrameSize;
            maxMessageSize = from.maxMessageSize;
            closeTimeout = from.closeTimeout;
            heartbeat = from.heartbeat;
            ioThreads = from.ioThreads;
            sslContext = from.sslContext;
            credentials = from.credentials;
            trustedCertificates = from.trustedCertificates;
            reconnect = from.reconnect;
            outbox = from.outbox;
            resumable = from.resumable;
            sessions = from.sessions;
            compression = from.compression;
            meterRegistry = from.meterRegistry;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder handshakeTimeout(Duration value) {
            handshakeTimeout = value;
            return this;
        }

        /** Adds (or replaces) one handshake request header. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder subprotocols(List<String> value) {
            subprotocols = value;
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

        public Builder sslContext(@Nullable SSLContext value) {
            sslContext = value;
            return this;
        }

        public Builder reconnect(ReconnectPolicy value) {
            reconnect = value;
            return this;
        }

        public Builder outbox(OutboxConfig value) {
            outbox = value;
            return this;
        }

        public Builder resumable(boolean value) {
            resumable = value;
            return this;
        }

        public Builder sessions(SessionConfig value) {
            sessions = value;
            return this;
        }

        /** See {@link ClientConfig#credentials()}. */
        public Builder credentials(Credentials value) {
            credentials = value;
            return this;
        }

        /** See {@link ClientConfig#trustedCertificates()}. */
        public Builder trustedCertificates(@Nullable Path pemFile) {
            trustedCertificates = pemFile;
            return this;
        }

        /** permessage-deflate to offer; see {@link ClientConfig#compression()}. */
        public Builder compression(CompressionConfig value) {
            compression = value;
            return this;
        }

        /** Where the client's meters go; see {@link ClientConfig#meterRegistry()}. Null for none. */
        public Builder meterRegistry(@Nullable MeterRegistry value) {
            meterRegistry = value;
            return this;
        }

        public ClientConfig build() {
            return new ClientConfig(connectTimeout, handshakeTimeout, headers, subprotocols, maxFrameSize,
                    maxMessageSize, closeTimeout, heartbeat, ioThreads, sslContext, reconnect, outbox, resumable,
                    sessions, credentials, trustedCertificates, compression, meterRegistry);
        }
    }
}
