package io.tether.core.session;

import static io.tether.core.Durations.requirePositive;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@code tether.v1} sessions, on either side. Immutable; build with {@link #builder()}.
 *
 * @param ttl how long the server keeps a disconnected session for a resume (client: unused)
 * @param replayMaxMessages most unacknowledged messages kept per direction
 * @param replayMaxBytes most unacknowledged payload bytes kept per direction
 * @param whenFull what a send does when the replay buffer is full: fail at once, or wait for acks
 * @param waitTimeout with {@link WhenFull#WAIT}: how long a send waits for room before failing
 * @param ackEvery send an ACK at the latest after this many unacknowledged messages
 * @param ackDelay ... or this long after the first unacknowledged one, whichever comes first
 * @param backgroundGrace extra silence tolerated from a client that announced it went to the
 *     background (BACKGROUND frame), on top of the heartbeat bound
 * @param inDoubt (client) what happens, when the server starts a new session instead of resuming,
 *     to messages that were written to a connection but never acknowledged: fail them (default,
 *     at most once) or resend them in the new session flagged as possible duplicates (at least
 *     once). Messages never written anywhere are always carried into the new session.
 */
public record SessionConfig(Duration ttl, int replayMaxMessages, long replayMaxBytes, WhenFull whenFull,
        Duration waitTimeout, int ackEvery, Duration ackDelay, Duration backgroundGrace, InDoubt inDoubt) {

    /** Policy for in-doubt messages at a session reset. */
    public enum InDoubt {
        /** Their stages fail with {@link io.tether.core.InDoubtException}: at most once (default). */
        FAIL,
        /**
         * They are sent again in the new session, flagged so the receiver sees
         * {@link Delivery#possibleDuplicate()}: at least once.
         */
        RESEND
    }

    /** Backpressure policy of a full replay buffer. */
    public enum WhenFull {
        /** The send fails with {@link io.tether.core.BackpressureException} (default). */
        FAIL,
        /** The send waits up to {@code waitTimeout} for acks to make room, then fails. */
        WAIT
    }

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(2);
    public static final SessionConfig DEFAULT = new SessionConfig(DEFAULT_TTL, 10_000, 16L << 20, WhenFull.FAIL,
            Duration.ofSeconds(5), 32, Duration.ofMillis(20), Duration.ofMinutes(2), InDoubt.FAIL);

    public SessionConfig {
        requirePositive(ttl, "session ttl");
        if (replayMaxMessages < 1) {
            throw new IllegalArgumentException("replayMaxMessages must be at least 1, was " + replayMaxMessages);
        }
        if (replayMaxBytes < 1) {
            throw new IllegalArgumentException("replayMaxBytes must be at least 1, was " + replayMaxBytes);
        }
        Objects.requireNonNull(whenFull, "whenFull");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        if (waitTimeout.isNegative()) {
            throw new IllegalArgumentException("waitTimeout must not be negative, was " + waitTimeout);
        }
        if (ackEvery < 1) {
            throw new IllegalArgumentException("ackEvery must be at least 1, was " + ackEvery);
        }
        requirePositive(ackDelay, "ackDelay");
        Objects.requireNonNull(backgroundGrace, "backgroundGrace");
        if (backgroundGrace.isNegative()) {
            throw new IllegalArgumentException("backgroundGrace must not be negative, was " + backgroundGrace);
        }
        Objects.requireNonNull(inDoubt, "inDoubt");
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private Duration ttl;
        private int replayMaxMessages;
        private long replayMaxBytes;
        private WhenFull whenFull;
        private Duration waitTimeout;
        private int ackEvery;
        private Duration ackDelay;
        private Duration backgroundGrace;
        private InDoubt inDoubt;

        private Builder(SessionConfig from) {
            ttl = from.ttl;
            replayMaxMessages = from.replayMaxMessages;
            replayMaxBytes = from.replayMaxBytes;
            whenFull = from.whenFull;
            waitTimeout = from.waitTimeout;
            ackEvery = from.ackEvery;
            ackDelay = from.ackDelay;
            backgroundGrace = from.backgroundGrace;
            inDoubt = from.inDoubt;
        }

        public Builder ttl(Duration value) {
            ttl = value;
            return this;
        }

        public Builder replayMaxMessages(int value) {
            replayMaxMessages = value;
            return this;
        }

        public Builder replayMaxBytes(long value) {
            replayMaxBytes = value;
            return this;
        }

        public Builder whenFull(WhenFull value) {
            whenFull = value;
            return this;
        }

        public Builder waitTimeout(Duration value) {
            waitTimeout = value;
            return this;
        }

        public Builder ackEvery(int value) {
            ackEvery = value;
            return this;
        }

        public Builder ackDelay(Duration value) {
            ackDelay = value;
            return this;
        }

        public Builder backgroundGrace(Duration value) {
            backgroundGrace = value;
            return this;
        }

        public Builder inDoubt(InDoubt value) {
            inDoubt = value;
            return this;
        }

        public SessionConfig build() {
            return new SessionConfig(ttl, replayMaxMessages, replayMaxBytes, whenFull, waitTimeout, ackEvery, ackDelay,
                    backgroundGrace, inDoubt);
        }
    }
}
