package io.tether.core.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens to messages sent while the connection is not open. Immutable; build with
 * {@link #builder()}.
 *
 * @param whileDisconnected {@link DisconnectedBehavior#BUFFER} queues them (default),
 *     {@link DisconnectedBehavior#REJECT} fails them at once
 * @param maxMessages most messages queued
 * @param maxBytes most payload bytes queued
 * @param overflow what a send does when the queue is full
 * @param waitTimeout with {@link Overflow#WAIT}: how long a send may wait for room before it fails
 */
public record OutboxConfig(DisconnectedBehavior whileDisconnected, int maxMessages, long maxBytes,
        Overflow overflow, Duration waitTimeout) {

    /** Whether to queue or refuse sends while not connected. */
    public enum DisconnectedBehavior { BUFFER, REJECT }

    /** What a send does when the queue is full. */
    public enum Overflow {
        /** The new send fails with {@link io.tether.core.BackpressureException} (default). */
        FAIL,
        /** The oldest queued message fails with {@link io.tether.core.BackpressureException}; the new one is queued. */
        DROP_OLDEST,
        /** The new send waits up to {@code waitTimeout} for room, then fails. */
        WAIT
    }

    public static final int DEFAULT_MAX_MESSAGES = 1000;
    public static final long DEFAULT_MAX_BYTES = 1 << 20;
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(5);
    public static final OutboxConfig DEFAULT = new OutboxConfig(DisconnectedBehavior.BUFFER, DEFAULT_MAX_MESSAGES,
            DEFAULT_MAX_BYTES, Overflow.FAIL, DEFAULT_WAIT_TIMEOUT);

    public OutboxConfig {
        Objects.requireNonNull(whileDisconnected, "whileDisconnected");
        if (maxMessages < 1) {
            throw new IllegalArgumentException("outbox maxMessages must be at least 1, was " + maxMessages);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("outbox maxBytes must be at least 1, was " + maxBytes);
        }
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        if (waitTimeout.isNegative()) {
            throw new IllegalArgumentException("outbox waitTimeout must not be negative, was " + waitTimeout);
        }
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private DisconnectedBehavior whileDisconnected;
        private int maxMessages;
        private long maxBytes;
        private Overflow overflow;
        private Duration waitTimeout;

        private Builder(OutboxConfig from) {
            whileDisconnected = from.whileDisconnected;
            maxMessages = from.maxMessages;
            maxBytes = from.maxBytes;
            overflow = from.overflow;
            waitTimeout = from.waitTimeout;
        }

        public Builder whileDisconnected(DisconnectedBehavior value) {
            whileDisconnected = value;
            return this;
        }

        public Builder maxMessages(int value) {
            maxMessages = value;
            return this;
        }

        public Builder maxBytes(long value) {
            maxBytes = value;
            return this;
        }

        public Builder overflow(Overflow value) {
            overflow = value;
            return this;
        }

        public Builder waitTimeout(Duration value) {
            waitTimeout = value;
            return this;
        }

        public OutboxConfig build() {
            return new OutboxConfig(whileDisconnected, maxMessages, maxBytes, overflow, waitTimeout);
        }
    }
}
