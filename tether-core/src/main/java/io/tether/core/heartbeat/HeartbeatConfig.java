package io.tether.core.heartbeat;

import static io.tether.core.Durations.requirePositive;

import java.time.Duration;
import java.util.Objects;

/**
 * Heartbeat settings of one side of a connection. Immutable; build with {@link #builder()}.
 *
 * <p>When nothing has arrived for about {@code pingInterval} (shortened by a random fraction of up
 * to {@code pingJitter}, drawn for every ping, so that connections opened in the same second do not
 * ping in the same tick), a ping is sent. Any inbound frame counts as a sign of life. The peer is
 * declared dead once nothing has arrived for {@code pingInterval + pingTimeout} — or earlier, with
 * {@link Detection#PHI_ACCRUAL}, when the learned round-trip distribution says the pong is overdue.
 *
 * @param enabled false switches heartbeats off: no pings, no detection
 * @param pingInterval silence after which a ping is sent
 * @param pingTimeout further silence after which the peer is dead
 * @param pingJitter fraction in [0, 0.5] by which each ping may come early
 * @param detection the rule that declares the peer dead
 * @param phiAccrual settings used when detection is {@link Detection#PHI_ACCRUAL}
 */
public record HeartbeatConfig(boolean enabled, Duration pingInterval, Duration pingTimeout,
        double pingJitter, Detection detection, PhiAccrualConfig phiAccrual) {

    /** 20 s: two pings inside the 60 s idle timeout of nginx and common cloud load balancers. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20);
    /** 10 s: dead peer detected within 30 s, still under a 60 s proxy idle timeout. */
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);
    public static final double DEFAULT_PING_JITTER = 0.2;
    public static final HeartbeatConfig DEFAULT = new HeartbeatConfig(true, DEFAULT_PING_INTERVAL,
            DEFAULT_PING_TIMEOUT, DEFAULT_PING_JITTER, Detection.FIXED_TIMEOUT, PhiAccrualConfig.DEFAULT);
    public static final HeartbeatConfig DISABLED = DEFAULT.toBuilder().enabled(false).build();

    public HeartbeatConfig {
        requirePositive(pingInterval, "pingInterval");
        requirePositive(pingTimeout, "pingTimeout");
        if (!(pingJitter >= 0.0 && pingJitter <= 0.5)) {
            throw new IllegalArgumentException("pingJitter must be between 0 and 0.5, was " + pingJitter);
        }
        Objects.requireNonNull(detection, "detection");
        Objects.requireNonNull(phiAccrual, "phiAccrual");
    }

    /** The longest silence before the peer is declared dead: {@code pingInterval + pingTimeout}. */
    public Duration detectionBound() {
        return pingInterval.plus(pingTimeout);
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder; every setter validates at {@link #build()}, naming the setting. */
    public static final class Builder {
        private boolean enabled;
        private Duration pingInterval;
        private Duration pingTimeout;
        private double pingJitter;
        private Detection detection;
        private PhiAccrualConfig phiAccrual;

        private Builder(HeartbeatConfig from) {
            enabled = from.enabled;
            pingInterval = from.pingInterval;
            pingTimeout = from.pingTimeout;
            pingJitter = from.pingJitter;
            detection = from.detection;
            phiAccrual = from.phiAccrual;
        }

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public Builder pingInterval(Duration value) {
            pingInterval = value;
            return this;
        }

        public Builder pingTimeout(Duration value) {
            pingTimeout = value;
            return this;
        }

        public Builder pingJitter(double value) {
            pingJitter = value;
            return this;
        }

        public Builder detection(Detection value) {
            detection = value;
            return this;
        }

        public Builder phiAccrual(PhiAccrualConfig value) {
            phiAccrual = value;
            return this;
        }

        public HeartbeatConfig build() {
            return new HeartbeatConfig(enabled, pingInterval, pingTimeout, pingJitter, detection, phiAccrual);
        }
    }
}
