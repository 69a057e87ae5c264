package io.tether.server;

import java.util.Objects;
import java.util.Set;

/**
 * Limits that keep one client, or many, from taking what every other connection needs. Each has a
 * clear answer, and none affects another connection than the one it refuses or closes. Zero turns a
 * limit off. Build with {@link #builder()}; {@link #DEFAULT} holds the defaults below.
 *
 * @param maxConnections WebSocket connections open at once on this server; one more is answered
 *     503 with {@code Retry-After}. Default {@value #DEFAULT_MAX_CONNECTIONS}
 * @param maxConnectionsPerAddress connections open at once from one client address; one more is
 *     answered 503. Off by default: many users share an address behind a NAT or a corporate proxy
 * @param handshakesPerSecondPerAddress new handshakes per second from one client address
 *     (sustained; bursts up to {@code handshakeBurstPerAddress}); more are answered 429 with
 *     {@code Retry-After}. Off by default, for the same reason
 * @param handshakeBurstPerAddress handshakes one address may make at once after a quiet period
 * @param inboundMessagesPerSecond messages per second one connection may send (sustained, a token
 *     bucket holding {@code inboundBurst}); the message that finds it empty closes the connection
 *     with 1008 and a reason. Off by default: what is too fast depends on the application
 * @param inboundBurst messages a connection may send at once
 * @param maxQueuedBytes outbound bytes waiting in one connection's socket buffer (a reader that
 *     does not keep up): past it the connection is closed with 1013. Sends complete only when
 *     written, which is the backpressure a sender can wait on; a {@code tether.v1} session keeps
 *     what was not acknowledged and resends it when the client resumes; it must leave room for a
 *     resume's replay of a full replay buffer ({@link ServerConfig} checks: at least
 *     {@code replayMaxBytes + 256 × replayMaxMessages}). Default {@value #DEFAULT_MAX_QUEUED_BYTES}
 *     bytes
 * @param maxSessions {@code tether.v1} sessions one endpoint holds on this node (attached or
 *     waiting for a resume); a new one beyond it is closed with 1013 and a retry hint. Default
 *     {@value #DEFAULT_MAX_SESSIONS}
 * @param trustedProxies addresses (IP literals) of proxies in front of the server whose
 *     {@code X-Forwarded-For} is believed: the client address of a request from one of them is the
 *     last address in that header not itself a trusted proxy. Empty by default: the TCP peer is the
 *     client
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerAddress, double handshakesPerSecondPerAddress,
        int handshakeBurstPerAddress, double inboundMessagesPerSecond, int inboundBurst, long maxQueuedBytes,
        int maxSessions, Set<String> trustedProxies) {

    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 32L << 20;
    public static final int DEFAULT_MAX_SESSIONS = 100_000;
    public static final ConnectionLimits DEFAULT = builder().build();
    /** No limit at all (tests, benchmarks). */
    public static final ConnectionLimits NONE = new ConnectionLimits(0, 0, 0, 1, 0, 1, 0, 0, Set.of());

    public ConnectionLimits {
        notNegative(maxConnections, "maxConnections");
        notNegative(maxConnectionsPerAddress, "maxConnectionsPerAddress");
        rate(handshakesPerSecondPerAddress, "handshakesPerSecondPerAddress");
        if (handshakeBurstPerAddress < 1) {
            throw new IllegalArgumentException("handshakeBurstPerAddress must be at least 1, was " + handshakeBurstPerAddress);
        }
        rate(inboundMessagesPerSecond, "inboundMessagesPerSecond");
        if (inboundBurst < 1) {
            throw new IllegalArgumentException("inboundBurst must be at least 1, was " + inboundBurst);
        }
        notNegative(maxQueuedBytes, "maxQueuedBytes");
        notNegative(maxSessions, "maxSessions");
        trustedProxies = Set.copyOf(Objects.requireNonNull(trustedProxies, "trustedProxies"));
    }

    private static void notNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative (0 turns it off), was " + value);
        }
    }

    /** Slower than one in 1000 s would overflow the nanosecond arithmetic of the token buckets. */
    private static final double MIN_RATE = 0.001;

    private static void rate(double value, String name) {
        if (!(value == 0 || value >= MIN_RATE) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be 0 (off) or from " + MIN_RATE + " to a finite number,"
                    + " was " + value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder starting from the defaults. */
    public static final class Builder {
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress;
        private double handshakesPerSecondPerAddress;
        private int handshakeBurstPerAddress = 1;
        private double inboundMessagesPerSecond;
        private int inboundBurst = 1;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private Set<String> trustedProxies = Set.of();

        private Builder() {
        }

        private Builder(ConnectionLimits from) {
            maxConnections = from.maxConnections;
            maxConnectionsPerAddress = from.maxConnectionsPerAddress;
            handshakesPerSecondPerAddress = from.handshakesPerSecondPerAddress;
            handshakeBurstPerAddress = from.handshakeBurstPerAddress;
            inboundMessagesPerSecond = from.inboundMessagesPerSecond;
            inboundBurst = from.inboundBurst;
            maxQueuedBytes = from.maxQueuedBytes;
            maxSessions = from.maxSessions;
            trustedProxies = from.trustedProxies;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder maxConnectionsPerAddress(int value) {
            maxConnectionsPerAddress = value;
            return this;
        }

        /** {@code perSecond} handshakes per address, sustained, {@code burst} at once; 0 turns it off. */
        public Builder handshakesPerAddress(double perSecond, int burst) {
            handshakesPerSecondPerAddress = perSecond;
            handshakeBurstPerAddress = burst;
            return this;
        }

        public Builder handshakesPerSecondPerAddress(double value) {
            handshakesPerSecondPerAddress = value;
            return this;
        }

        public Builder handshakeBurstPerAddress(int value) {
            handshakeBurstPerAddress = value;
            return this;
        }

        public Builder inboundMessagesPerSecond(double value) {
            inboundMessagesPerSecond = value;
            return this;
        }

        public Builder inboundBurst(int value) {
            inboundBurst = value;
            return this;
        }

        /** {@code perSecond} messages per connection, sustained, {@code burst} at once; 0 turns it off. */
        public Builder inboundMessages(double perSecond, int burst) {
            inboundMessagesPerSecond = perSecond;
            inboundBurst = burst;
            return this;
        }

        public Builder maxQueuedBytes(long value) {
            maxQueuedBytes = value;
            return this;
        }

        public Builder maxSessions(int value) {
            maxSessions = value;
            return this;
        }

        public Builder trustedProxies(Set<String> value) {
            trustedProxies = Objects.requireNonNull(value, "trustedProxies");
            return this;
        }

        public ConnectionLimits build() {
            return new ConnectionLimits(maxConnections, maxConnectionsPerAddress, handshakesPerSecondPerAddress,
                    handshakeBurstPerAddress, inboundMessagesPerSecond, inboundBurst, maxQueuedBytes, maxSessions,
                    trustedProxies);
        }
    }
}
