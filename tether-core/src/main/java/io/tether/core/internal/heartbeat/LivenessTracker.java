package io.tether.core.internal.heartbeat;

import io.tether.core.RoundTripTime;
import io.tether.core.heartbeat.Detection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.heartbeat.HeartbeatTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The heartbeat rules of one connection, without transport or clock: the caller reports inbound
 * traffic and pongs, and asks {@link #poll(long)} what to do at a given time. All times are
 * nanoseconds from one ticker. Owned by one thread (the connection's event loop); only the RTT
 * snapshot may be read elsewhere. No allocation on the per-message path.
 *
 * <pre>
 *   inbound frame ──► lastInbound = now, no ping outstanding
 *   poll(now):
 *     now ≥ deadline                      → PEER_DEAD
 *     no ping outstanding and
 *       now ≥ lastInbound + idleThreshold → SEND_PING (ping stamp = now)
 *     otherwise                           → WAIT
 *   deadline = lastInbound + interval + timeout                       (fixed)
 *            = min(that, pingSentAt + phi suspicion delay)            (phi accrual, ping outstanding)
 *   idleThreshold = interval × (1 − jitter × U[0,1)), drawn anew after every ping
 * </pre>
 */
public final class LivenessTracker {

    /** What the caller must do now. */
    public enum Verdict {
        /** Nothing; call {@link #poll} again at {@link #nextCheckAt()}. */
        WAIT,
        /** Send a ping whose payload is {@link #pingStamp()}, then poll again at {@link #nextCheckAt()}. */
        SEND_PING,
        /** The peer is dead: close the connection and report {@link #timeoutException(long)}. */
        PEER_DEAD
    }

    private final HeartbeatConfig config;
    private final RandomGenerator random;
    private final long intervalNanos;
    private final long boundNanos;
    private final long timeoutNanos;
    private final RttEstimator rtt = new RttEstimator();
    private final @Nullable PhiAccrualDetector phi;
    private long lastInbound;
    private long idleThreshold;
    private boolean pingOutstanding;
    private long pingStamp;
    private long nextCheckAt;
    private long pingsSent;
    private long pongsReceived;
    private long graceNanos;

    /**
     * @param config heartbeat settings; must be enabled
     * @param random source of the ping jitter (inject a seeded one in tests)
     * @param nowNanos the time the connection opened, which counts as the first sign of life
     */
    public LivenessTracker(HeartbeatConfig config, RandomGenerator random, long nowNanos) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        if (!config.enabled()) {
            throw new IllegalArgumentException("heartbeats are disabled in this config");
        }
        this.intervalNanos = config.pingInterval().toNanos();
        this.timeoutNanos = config.pingTimeout().toNanos();
        this.boundNanos = config.detectionBound().toNanos();
        this.phi = config.detection() == Detection.PHI_ACCRUAL ? new PhiAccrualDetector(config.phiAccrual()) : null;
        this.lastInbound = nowNanos;
        this.idleThreshold = drawIdleThreshold();
        this.nextCheckAt = nowNanos + idleThreshold;
    }

    /** Something arrived from the peer at {@code nowNanos}. */
    public void onInbound(long nowNanos) {
        if (nowNanos - lastInbound > 0) {
            lastInbound = nowNanos;
        }
        pingOutstanding = false;
    }

    /**
     * A pong carrying {@code stamp} arrived at {@code nowNanos}. If it answers the last ping, its
     * round trip is recorded. Does not itself count as inbound: call {@link #onInbound} too.
     *
     * @return whether the pong answered the last ping
     */
    public boolean onPong(long nowNanos, long stamp) {
        if (pingsSent == 0 || stamp != pingStamp) {
            return false;
        }
        pongsReceived++;
        long sample = Math.max(0, nowNanos - stamp);
        rtt.record(sample);
        if (phi != null) {
            phi.addSample(sample);
        }
        return true;
    }

    /** Decides what to do at {@code nowNanos}; see the class comment. */
    public Verdict poll(long nowNanos) {
        if (nowNanos - deadline() >= 0) {
            return Verdict.PEER_DEAD;
        }
        Verdict verdict = Verdict.WAIT;
        if (!pingOutstanding && nowNanos - (lastInbound + idleThreshold) >= 0) {
            pingOutstanding = true;
            pingStamp = nowNanos;
            pingsSent++;
            idleThreshold = drawIdleThreshold();
            verdict = Verdict.SEND_PING;
        }
        nextCheckAt = pingOutstanding ? deadline() : Math.min(deadline(), lastInbound + idleThreshold);
        return verdict;
    }

    /**
     * Extra silence tolerated on top of the bound, while the peer said it may be slow (0 to end).
     * Pings still go out as usual; only the verdict waits longer.
     */
    public void setGraceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("grace must not be negative: " + nanos);
        }
        graceNanos = nanos;
    }

    /** When {@link #poll} should run next (nanoseconds on the caller's ticker). */
    public long nextCheckAt() {
        return nextCheckAt;
    }

    /** The payload of the ping most recently asked for: the ticker time at which it was sent. */
    public long pingStamp() {
        return pingStamp;
    }

    public long pingsSent() {
        return pingsSent;
    }

    public long pongsReceived() {
        return pongsReceived;
    }

    /** The measured round-trip time, safe to read from any thread. */
    public Optional<RoundTripTime> roundTripTime() {
        return rtt.current();
    }

    /** The cause to report after {@link Verdict#PEER_DEAD} at {@code nowNanos}. */
    public HeartbeatTimeoutException timeoutException(long nowNanos) {
        long limit = deadline() - lastInbound;
        String rule = graceNanos > 0 ? "bound + " + graceNanos / 1_000_000 + " ms grace for a peer in the background"
                : phi != null && pingOutstanding && limit < boundNanos
                ? "phi accrual reached " + config.phiAccrual().threshold() + " after the ping"
                : "ping interval " + config.pingInterval().toMillis() + " ms + timeout "
                        + config.pingTimeout().toMillis() + " ms";
        return new HeartbeatTimeoutException(Duration.ofNanos(nowNanos - lastInbound), Duration.ofNanos(limit),
                rule, pingsSent, pongsReceived, rtt.current());
    }

    private long deadline() {
        long fixed = lastInbound + boundNanos + graceNanos;
        if (phi != null && pingOutstanding && graceNanos == 0) {
            return Math.min(fixed, pingStamp + phi.suspicionDelayNanos(timeoutNanos));
        }
        return fixed;
    }

    private long drawIdleThreshold() {
        double jitter = config.pingJitter();
        if (jitter == 0.0) {
            return intervalNanos;
        }
        return intervalNanos - (long) (intervalNanos * jitter * random.nextDouble());
    }
}
