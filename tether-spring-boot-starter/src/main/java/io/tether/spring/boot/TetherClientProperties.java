package io.tether.spring.boot;

import io.tether.client.ClientConfig;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.session.SessionConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * {@code tether.client.*}: the {@code TetherClient} bean, for services that connect out. Defaults
 * are the library's ({@link ClientConfig}), except that sockets ask for resumable sessions.
 */
@ConfigurationProperties("tether.client")
public class TetherClientProperties extends ConnectionProperties {
    /** Longest wait for the TCP (and TLS) connection. */
    private Duration connectTimeout = ClientConfig.DEFAULT_CONNECT_TIMEOUT;

    /** Event-loop threads; 0 lets Netty choose (twice the cores). */
    private int ioThreads;

    /**
     * Whether sockets offer tether.v1 sessions (resume without loss or duplicates); servers that do
     * not speak it get plain WebSocket.
     */
    private boolean resumable = true;

    /** Headers sent with every handshake. */
    private Map<String, String> headers = new LinkedHashMap<>();

    @NestedConfigurationProperty
    private final HeartbeatProperties heartbeat = new HeartbeatProperties();

    private final Reconnect reconnect = new Reconnect();

    /** How long a client session is kept for a resume after its connection was lost. */
    private Duration sessionTtl = SessionConfig.DEFAULT_TTL;

    /** {@code tether.client.reconnect.*}: how a socket comes back after it lost its connection. */
    public static class Reconnect {
        /** Whether sockets reconnect at all. */
        private boolean enabled = true;

        /** How the wait between attempts grows. */
        private Backoff.Formula backoff = Backoff.Formula.DECORRELATED;

        /** First and smallest wait. */
        private Duration base = Backoff.DEFAULT_BASE;

        /** Largest wait. */
        private Duration cap = Backoff.DEFAULT_CAP;

        /** Give up after this many attempts in one outage; 0 never gives up. */
        private int maxAttempts;

        /** Give up after this long in one outage; 0 never gives up. */
        private Duration maxElapsed = Duration.ZERO;

        /** Retry the first connection too, instead of failing when the server is not there yet. */
        private boolean retryFirstConnect;

        ReconnectPolicy toPolicy() {
            return ReconnectPolicy.builder().enabled(enabled).backoff(backoff.create(base, cap)).maxAttempts(maxAttempts)
                    .maxElapsed(maxElapsed).retryFirstConnect(retryFirstConnect).build();
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Backoff.Formula getBackoff() {
            return backoff;
        }

        public void setBackoff(Backoff.Formula backoff) {
            this.backoff = backoff;
        }

        public Duration getBase() {
            return base;
        }

        public void setBase(Duration base) {
            this.base = base;
        }

        public Duration getCap() {
            return cap;
        }

        public void setCap(Duration cap) {
            this.cap = cap;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getMaxElapsed() {
            return maxElapsed;
        }

        public void setMaxElapsed(Duration maxElapsed) {
            this.maxElapsed = maxElapsed;
        }

        public boolean isRetryFirstConnect() {
            return retryFirstConnect;
        }

        public void setRetryFirstConnect(boolean retryFirstConnect) {
            this.retryFirstConnect = retryFirstConnect;
        }
    }

    /** A builder with these properties applied (the meter registry and customizers come on top). */
    ClientConfig.Builder toBuilder() {
        ClientConfig.Builder builder = ClientConfig.builder().connectTimeout(connectTimeout)
                .handshakeTimeout(getHandshakeTimeout()).closeTimeout(getCloseTimeout())
                .maxFrameSize(maxFrameBytes()).maxMessageSize(maxMessageBytes())
                .ioThreads(ioThreads).resumable(resumable)
                .heartbeat(heartbeat.toConfig()).reconnect(reconnect.toPolicy())
                .sessions(SessionConfig.DEFAULT.toBuilder().ttl(sessionTtl).build());
        headers.forEach(builder::header);
        return builder;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public int getIoThreads() {
        return ioThreads;
    }

    public void setIoThreads(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    public boolean isResumable() {
        return resumable;
    }

    public void setResumable(boolean resumable) {
        this.resumable = resumable;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    public void setHeaders(Map<String, String> headers) {
        this.headers = headers;
    }

    public HeartbeatProperties getHeartbeat() {
        return heartbeat;
    }

    public Reconnect getReconnect() {
        return reconnect;
    }

    public Duration getSessionTtl() {
        return sessionTtl;
    }

    public void setSessionTtl(Duration sessionTtl) {
        this.sessionTtl = sessionTtl;
    }
}
