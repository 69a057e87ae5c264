package io.tether.core.internal.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.heartbeat.PhiAccrualConfig;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Synthetic heartbeat histories: steady, jittery and stopped. Times in milliseconds as nanos. */
class PhiAccrualDetectorTest {
    private static final long MS = 1_000_000L;
    private static final PhiAccrualConfig CONFIG =
            new PhiAccrualConfig(8.0, 100, Duration.ofMillis(10), Duration.ZERO);

    @Test
    void noSamples_neverSuspects_andUsesTheFallbackDelay() {
        PhiAccrualDetector detector = new PhiAccrualDetector(CONFIG);
        assertThat(detector.phi(10_000 * MS)).isZero();
        assertThat(detector.suspicionDelayNanos(1234)).isEqualTo(1234);
    }

    @Test
    void steadyHistory_suspectsSoonAfterTheUsualInterval() {
        PhiAccrualDetector detector = historyOf(new long[] {1000}, 100);
        assertThat(detector.phi(1000 * MS)).isLessThan(0.5);
        assertThat(detector.isSuspected(1010 * MS)).isFalse();
        // std is floored at 10 ms; phi 8 sits a little over 5 standard deviations above the mean.
        long delay = detector.suspicionDelayNanos(0);
        assertThat(delay).isBetween(1050 * MS, 1060 * MS);
        assertThat(detector.isSuspected(delay)).isTrue();
        assertThat(detector.isSuspected(delay - MS)).isFalse();
    }

    @Test
    void jitteryHistory_waitsLongerThanSteady_forTheSameMean() {
        PhiAccrualDetector steady = historyOf(new long[] {1000}, 100);
        PhiAccrualDetector jittery = historyOf(new long[] {600, 1400, 800, 1200}, 100);
        assertThat(jittery.suspicionDelayNanos(0)).isGreaterThan(steady.suspicionDelayNanos(0) + 1000 * MS);
        assertThat(jittery.isSuspected(1400 * MS)).isFalse();
        assertThat(steady.isSuspected(1400 * MS)).isTrue();
    }

    @Test
    void stoppedHeartbeats_phiGrowsMonotonically_untilSuspected() {
        PhiAccrualDetector detector = new PhiAccrualDetector(CONFIG);
        Random random = new Random(42);
        for (int i = 0; i < 100; i++) {
            detector.addSample((1000 + random.nextInt(41) - 20) * MS);
        }
        double previous = -1;
        for (long t = 0; t <= 3000; t += 50) {
            double phi = detector.phi(t * MS);
            assertThat(phi).isGreaterThanOrEqualTo(previous);
            previous = phi;
        }
        assertThat(detector.isSuspected(1000 * MS)).isFalse();
        assertThat(detector.isSuspected(3000 * MS)).isTrue();
    }

    @Test
    void window_forgetsOldSamples() {
        PhiAccrualDetector detector = new PhiAccrualDetector(
                new PhiAccrualConfig(8.0, 4, Duration.ofMillis(10), Duration.ZERO));
        for (int i = 0; i < 4; i++) {
            detector.addSample(5000 * MS);
        }
        for (int i = 0; i < 4; i++) {
            detector.addSample(100 * MS);
        }
        assertThat(detector.sampleCount()).isEqualTo(4);
        assertThat(detector.suspicionDelayNanos(0)).isLessThan(200 * MS);
    }

    @Test
    void acceptablePause_shiftsSuspicionByExactlyThePause() {
        PhiAccrualDetector plain = historyOf(new long[] {1000}, 10);
        PhiAccrualDetector paused = new PhiAccrualDetector(
                new PhiAccrualConfig(8.0, 100, Duration.ofMillis(10), Duration.ofMillis(500)));
        for (int i = 0; i < 10; i++) {
            paused.addSample(1000 * MS);
        }
        assertThat(paused.suspicionDelayNanos(0) - plain.suspicionDelayNanos(0)).isBetween(500 * MS - 1, 500 * MS + 1);
    }

    @Test
    void scoreAt_invertsPhi() {
        for (double threshold : new double[] {1, 3, 8, 12}) {
            double y = PhiAccrualDetector.scoreAt(threshold);
            assertThat(PhiAccrualDetector.phi(y, 0, 1)).isCloseTo(threshold, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    private static PhiAccrualDetector historyOf(long[] pattern, int n) {
        PhiAccrualDetector detector = new PhiAccrualDetector(CONFIG);
        for (int i = 0; i < n; i++) {
            detector.addSample(pattern[i % pattern.length] * MS);
        }
        return detector;
    }
}
