package io.tether.spring.boot;

import io.tether.server.ServerConfig;
import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * Settings both ends of a connection have, with the same defaults on each: the handshake and close
 * timeouts and the frame and message limits.
 */
public abstract class ConnectionProperties {
    /** Longest wait from TCP connect to a completed WebSocket handshake. */
    private Duration handshakeTimeout = ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;

    /** How long to wait for the peer's Close frame before dropping the connection. */
    private Duration closeTimeout = ServerConfig.DEFAULT_CLOSE_TIMEOUT;

    /** Largest frame accepted from the peer; a larger one closes the connection with 1009. */
    private DataSize maxFrameSize = DataSize.ofBytes(ServerConfig.DEFAULT_MAX_FRAME_SIZE);

    /** Largest message accepted from the peer (all its fragments); a larger one closes the connection with 1009. */
    private DataSize maxMessageSize = DataSize.ofBytes(ServerConfig.DEFAULT_MAX_MESSAGE_SIZE);

    /** {@link #getMaxFrameSize()} in bytes, for the library's int setting. */
    int maxFrameBytes() {
        return Math.toIntExact(maxFrameSize.toBytes());
    }

    /** {@link #getMaxMessageSize()} in bytes, for the library's int setting. */
    int maxMessageBytes() {
        return Math.toIntExact(maxMessageSize.toBytes());
    }

    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public DataSize getMaxFrameSize() {
        return maxFrameSize;
    }

    public void setMaxFrameSize(DataSize maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }
}
