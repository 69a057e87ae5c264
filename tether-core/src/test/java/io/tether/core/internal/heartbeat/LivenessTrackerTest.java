package io.tether.core.internal.heartbeat;

import static io.tether.core.internal.heartbeat.LivenessTracker.Verdict.PEER_DEAD;
import static io.tether.core.internal.heartbeat.LivenessTracker.Verdict.SEND_PING;
import static io.tether.core.internal.heartbeat.LivenessTracker.Verdict.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.RoundTripTime;
import io.tether.core.heartbeat.Detection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.heartbeat.HeartbeatTimeoutException;
import io.tether.core.heartbeat.PhiAccrualConfig;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Virtual time: "now" is a number the test chooses. */
class LivenessTrackerTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000_000 * MS;
    private static final HeartbeatConfig NO_JITTER = HeartbeatConfig.builder()
            .pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(400)).pingJitter(0).build();

    @Test
    void silentPeer_getsPingAfterInterval_andIsDeadExactlyAtIntervalPlusTimeout() {
        LivenessTracker tracker = new LivenessTracker(NO_JITTER, new Random(1), T0);
        assertThat(tracker.nextCheckAt()).isEqualTo(T0 + 200 * MS);
        assertThat(tracker.poll(T0 + 199 * MS)).isEqualTo(WAIT);
        assertThat(tracker.poll(T0 + 200 * MS)).isEqualTo(SEND_PING);
        assertThat(tracker.pingStamp()).isEqualTo(T0 + 200 * MS);
        assertThat(tracker.nextCheckAt()).isEqualTo(T0 + 600 * MS);
        assertThat(tracker.poll(T0 + 600 * MS - 1)).isEqualTo(WAIT);
        assertThat(tracker.poll(T0 + 600 * MS)).isEqualTo(PEER_DEAD);
        HeartbeatTimeoutException e = tracker.timeoutException(T0 + 600 * MS);
        assertThat(e.silence()).isEqualTo(Duration.ofMillis(600));
        assertThat(e.limit()).isEqualTo(Duration.ofMillis(600));
        assertThat(e.pingsSent()).isEqualTo(1);
        assertThat(e.getMessage()).contains("600 ms", "1 pings sent", "0 pongs received");
    }

    @Test
    void inboundTraffic_postponesThePing_andTheDeadline() {
        LivenessTracker tracker = new LivenessTracker(NO_JITTER, new Random(1), T0);
        tracker.onInbound(T0 + 150 * MS);
        assertThat(tracker.poll(T0 + 200 * MS)).isEqualTo(WAIT);
        assertThat(tracker.nextCheckAt()).isEqualTo(T0 + 350 * MS);
        assertThat(tracker.poll(T0 + 350 * MS)).isEqualTo(SEND_PING);
        tracker.onInbound(T0 + 500 * MS);
        assertThat(tracker.poll(T0 + 699 * MS)).isEqualTo(WAIT);
        assertThat(tracker.poll(T0 + 700 * MS)).isEqualTo(SEND_PING);
        assertThat(tracker.poll(T0 + 1099 * MS)).isEqualTo(WAIT);
        assertThat(tracker.poll(T0 + 1100 * MS)).isEqualTo(PEER_DEAD);
        assertThat(tracker.pingsSent()).isEqualTo(2);
    }

    @Test
    void grace_postponesTheVerdict_notThePings() {
        LivenessTracker tracker = new LivenessTracker(NO_JITTER, new Random(1), T0);
        tracker.setGraceNanos(1000 * MS);
        assertThat(tracker.poll(T0 + 200 * MS)).isEqualTo(SEND_PING);
        assertThat(tracker.poll(T0 + 600 * MS)).isEqualTo(WAIT);
        assertThat(tracker.poll(T0 + 1599 * MS)).isEqualTo(WAIT);
        assertThat(tracker.poll(T0 + 1600 * MS)).isEqualTo(PEER_DEAD);
        assertThat(tracker.timeoutException(T0 + 1600 * MS).getMessage()).contains("grace");
    }

    @Test
    void onlyOnePingPerSilence() {
        LivenessTracker tracker = new LivenessTracker(NO_JITTER, new Random(1), T0);
        assertThat(tracker.poll(T0 + 200 * MS)).isEqualTo(SEND_PING);
        assertThat(tracker.poll(T0 + 450 * MS)).isEqualTo(WAIT);
        assertThat(tracker.pingsSent()).isEqualTo(1);
    }

    @Test
    void pong_recordsRoundTrip_lastAndSmoothed() {
        LivenessTracker tracker = new LivenessTracker(NO_JITTER, new Random(1), T0);
        tracker.poll(T0 + 200 * MS);
        assertThat(tracker.onPong(T0 + 208 * MS, tracker.pingStamp())).isTrue();
        tracker.onInbound(T0 + 208 * MS);
        assertThat(tracker.roundTripTime()).get().isEqualTo(
                new RoundTripTime(Duration.ofMillis(8), Duration.ofMillis(8)));
        tracker.poll(T0 + 408 * MS);
        tracker.onPong(T0 + 424 * MS, tracker.pingStamp());
        assertThat(tracker.roundTripTime()).get().isEqualTo(
                new RoundTripTime(Duration.ofMillis(16), Duration.ofMillis(9)));
        assertThat(tracker.pongsReceived()).isEqualTo(2);
    }

    @Test
    void pongWithForeignPayload_isNotARoundTripSample() {
        LivenessTracker tracker = new LivenessTracker(NO_JITTER, new Random(1), T0);
        tracker.poll(T0 + 200 * MS);
        assertThat(tracker.onPong(T0 + 210 * MS, 42)).isFalse();
        assertThat(tracker.roundTripTime()).isEmpty();
    }

    @Test
    void jitter_spreadsPingsWithinTheInterval_neverLater() {
        HeartbeatConfig config = NO_JITTER.toBuilder().pingInterval(Duration.ofSeconds(10)).pingJitter(0.2).build();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            LivenessTracker tracker = new LivenessTracker(config, random, T0);
            long offset = tracker.nextCheckAt() - T0;
            min = Math.min(min, offset);
            max = Math.max(max, offset);
        }
        assertThat(min).isGreaterThanOrEqualTo(8000 * MS).isLessThan(8100 * MS);
        assertThat(max).isLessThanOrEqualTo(10_000 * MS).isGreaterThan(9900 * MS);
    }

    @Test
    void jitter_isDrawnAgainForEveryPing() {
        HeartbeatConfig config = NO_JITTER.toBuilder().pingInterval(Duration.ofSeconds(10)).pingJitter(0.2).build();
        LivenessTracker tracker = new LivenessTracker(config, new Random(7), T0);
        long now = T0;
        java.util.Set<Long> gaps = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            long due = tracker.nextCheckAt();
            assertThat(tracker.poll(due)).isEqualTo(SEND_PING);
            gaps.add(due - now);
            tracker.onInbound(due);
            assertThat(tracker.poll(due)).isEqualTo(WAIT);
            now = due;
        }
        assertThat(gaps).hasSize(5);
    }

    @Test
    void phiAccrual_detectsSoonerThanTheFixedBound_onASteadyLink() {
        HeartbeatConfig config = NO_JITTER.toBuilder().pingInterval(Duration.ofSeconds(1)).pingTimeout(Duration.ofSeconds(10))
                .detection(Detection.PHI_ACCRUAL)
                .phiAccrual(new PhiAccrualConfig(8, 100, Duration.ofMillis(5), Duration.ZERO)).build();
        LivenessTracker tracker = new LivenessTracker(config, new Random(1), T0);
        long now = T0;
        for (int i = 0; i < 20; i++) {
            now = tracker.nextCheckAt();
            assertThat(tracker.poll(now)).isEqualTo(SEND_PING);
            tracker.onPong(now + 2 * MS, tracker.pingStamp());
            tracker.onInbound(now + 2 * MS);
            now += 2 * MS;
            assertThat(tracker.poll(now)).isEqualTo(WAIT);
        }
        long pingAt = tracker.nextCheckAt();
        assertThat(tracker.poll(pingAt)).isEqualTo(SEND_PING);
        // mean 2 ms, std floored at 5 ms: suspected about 30 ms after the ping instead of 10 s.
        long deadAt = tracker.nextCheckAt();
        assertThat(deadAt - pingAt).isBetween(25 * MS, 35 * MS);
        assertThat(tracker.poll(deadAt - 1)).isEqualTo(WAIT);
        assertThat(tracker.poll(deadAt)).isEqualTo(PEER_DEAD);
        assertThat(tracker.timeoutException(deadAt).getMessage()).contains("phi accrual");
    }

    @Test
    void phiAccrual_neverWaitsLongerThanTheFixedBound() {
        HeartbeatConfig config = NO_JITTER.toBuilder().detection(Detection.PHI_ACCRUAL)
                .phiAccrual(new PhiAccrualConfig(8, 100, Duration.ofSeconds(5), Duration.ofSeconds(5))).build();
        LivenessTracker tracker = new LivenessTracker(config, new Random(1), T0);
        tracker.poll(T0 + 200 * MS);
        tracker.onPong(T0 + 300 * MS, tracker.pingStamp());
        tracker.onInbound(T0 + 300 * MS);
        assertThat(tracker.poll(T0 + 500 * MS)).isEqualTo(SEND_PING);
        assertThat(tracker.nextCheckAt()).isEqualTo(T0 + 900 * MS);
        assertThat(tracker.poll(T0 + 900 * MS)).isEqualTo(PEER_DEAD);
    }
}
