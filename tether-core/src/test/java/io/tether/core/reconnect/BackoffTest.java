package io.tether.core.reconnect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each formula exactly (seeded random, expected values computed from the same draws) and its bounds. */
class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration CAP = Duration.ofSeconds(5);
    private static final long BASE_NS = BASE.toNanos();
    private static final long CAP_NS = CAP.toNanos();

    @Test
    void constant_isConstant() {
        Backoff b = Backoff.constant(Duration.ofMillis(250));
        for (int n = 1; n < 50; n++) {
            assertThat(b.next(n, Duration.ofSeconds(n), new Random(n))).isEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void exponential_doublesFromBase_untilTheCap() {
        Backoff b = Backoff.exponential(BASE, CAP);
        long[] expectedMs = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (int n = 1; n <= expectedMs.length; n++) {
            assertThat(b.next(n, Duration.ZERO, new Random())).isEqualTo(Duration.ofMillis(expectedMs[n - 1]));
        }
        assertThat(b.next(10_000, Duration.ZERO, new Random())).isEqualTo(CAP);
    }

    @Test
    void fullJitter_isUniformBelowTheExponentialCeiling_exactly() {
        Backoff b = Backoff.fullJitter(BASE, CAP);
        Random draws = new Random(42);
        Random expected = new Random(42);
        for (int n = 1; n <= 10; n++) {
            double ceiling = Math.min(CAP_NS, BASE_NS * Math.pow(2, n - 1));
            assertThat(b.next(n, Duration.ZERO, draws).toNanos()).isEqualTo((long) (ceiling * expected.nextDouble()));
        }
    }

    @Test
    void equalJitter_isHalfThePlusUniformHalf_exactly() {
        Backoff b = Backoff.equalJitter(BASE, CAP);
        Random draws = new Random(7);
        Random expected = new Random(7);
        for (int n = 1; n <= 10; n++) {
            double t = Math.min(CAP_NS, BASE_NS * Math.pow(2, n - 1));
            assertThat(b.next(n, Duration.ZERO, draws).toNanos()).isEqualTo((long) (t / 2 + t / 2 * expected.nextDouble()));
        }
    }

    @Test
    void decorrelatedJitter_drawsBetweenBaseAndThreeTimesPrevious_exactly() {
        Backoff b = Backoff.decorrelatedJitter(BASE, CAP);
        Random draws = new Random(3);
        Random expected = new Random(3);
        Duration previous = Duration.ZERO;
        for (int n = 1; n <= 20; n++) {
            double prev = Math.max(BASE_NS, previous.toNanos());
            long want = Math.min(CAP_NS, (long) (BASE_NS + (prev * 3 - BASE_NS) * expected.nextDouble()));
            Duration got = b.next(n, previous, draws);
            assertThat(got.toNanos()).isEqualTo(want);
            previous = got;
        }
    }

    @Test
    void everyJitteredFormula_staysInItsBounds_over1000Draws() {
        Random random = new Random(11);
        Backoff full = Backoff.fullJitter(BASE, CAP);
        Backoff equal = Backoff.equalJitter(BASE, CAP);
        Backoff decorrelated = Backoff.decorrelatedJitter(BASE, CAP);
        Duration previous = Duration.ZERO;
        for (int i = 0; i < 1000; i++) {
            int n = 1 + i % 12;
            long ceiling = (long) Math.min(CAP_NS, BASE_NS * Math.pow(2, n - 1));
            assertThat(full.next(n, Duration.ZERO, random).toNanos()).isBetween(0L, ceiling);
            assertThat(equal.next(n, Duration.ZERO, random).toNanos()).isBetween(ceiling / 2, ceiling);
            Duration d = decorrelated.next(n, previous, random);
            assertThat(d.toNanos()).isBetween(BASE_NS, Math.min(CAP_NS, Math.max(BASE_NS, previous.toNanos()) * 3));
            previous = d;
        }
    }

    @Test
    void jitter_spreadsACrowd_noJitterDoesNot() {
        Random random = new Random(5);
        java.util.Set<Long> jittered = new java.util.HashSet<>();
        java.util.Set<Long> lockstep = new java.util.HashSet<>();
        for (int client = 0; client < 100; client++) {
            jittered.add(Backoff.DEFAULT.next(1, Duration.ZERO, random).toMillis());
            lockstep.add(Backoff.exponential(BASE, CAP).next(1, Duration.ZERO, random).toMillis());
        }
        assertThat(lockstep).hasSize(1);
        assertThat(jittered).hasSizeGreaterThan(80);
    }

    @Test
    void invalidSettings_areRejected_namingTheSetting() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, CAP)).hasMessageContaining("backoff base");
        assertThatThrownBy(() -> Backoff.fullJitter(CAP, BASE)).hasMessageContaining("backoff cap");
        assertThatThrownBy(() -> new ExponentialBackoff(BASE, CAP, 0.5)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> Backoff.constant(Duration.ofSeconds(-1))).hasMessageContaining("delay");
    }
}
