package io.tether.core.internal.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.DecorrelatedJitterBackoff;
import io.tether.core.reconnect.ReconnectPolicy;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffSequenceTest {
    private static final long S = 1_000_000_000L;

    @Test
    void feedsEachDelayBackAsPrevious_exceptToAttempt2_andCountsAttempts() {
        ReconnectPolicy policy = ReconnectPolicy.builder()
                .backoff((n, previous, r) -> previous.plusMillis(n)).build();
        BackoffSequence seq = new BackoffSequence(policy, new Random(1), 0);
        assertThat(seq.next(0, Duration.ZERO)).contains(Duration.ofMillis(1));
        assertThat(seq.next(0, Duration.ZERO)).as("attempt 2 is fed nothing: it draws like attempt 1")
                .contains(Duration.ofMillis(2));
        assertThat(seq.next(0, Duration.ZERO)).contains(Duration.ofMillis(5));
        assertThat(seq.next(0, Duration.ZERO)).contains(Duration.ofMillis(9));
        assertThat(seq.attempts()).isEqualTo(4);
    }

    @Test
    void theDefault_drawsAttempts1And2From250To750ms_andGrowsFrom3() {
        Random random = new Random(3);
        Duration longest2 = Duration.ZERO;
        Duration longest3 = Duration.ZERO;
        for (int i = 0; i < 2000; i++) {
            BackoffSequence seq = new BackoffSequence(ReconnectPolicy.DEFAULT, random, 0);
            Duration first = seq.next(0, Duration.ZERO).orElseThrow();
            Duration second = seq.next(0, Duration.ZERO).orElseThrow();
            Duration third = seq.next(0, Duration.ZERO).orElseThrow();
            assertThat(first).isBetween(Duration.ofMillis(250), Duration.ofMillis(750));
            assertThat(second).isBetween(Duration.ofMillis(250), Duration.ofMillis(750));
            assertThat(third).isBetween(Duration.ofMillis(250), second.multipliedBy(3));
            longest2 = second.compareTo(longest2) > 0 ? second : longest2;
            longest3 = third.compareTo(longest3) > 0 ? third : longest3;
        }
        assertThat(longest3).as("growth starts at attempt 3").isGreaterThan(Duration.ofMillis(1500));
    }

    @Test
    void givesUp_afterMaxAttempts() {
        ReconnectPolicy policy = ReconnectPolicy.builder().backoff(Backoff.constant(Duration.ofMillis(10))).maxAttempts(3).build();
        BackoffSequence seq = new BackoffSequence(policy, new Random(1), 0);
        for (int i = 0; i < 3; i++) {
            assertThat(seq.next(i * S, Duration.ZERO)).isPresent();
        }
        assertThat(seq.next(4 * S, Duration.ZERO)).isEmpty();
    }

    @Test
    void givesUp_onceMaxElapsedHasPassed() {
        ReconnectPolicy policy = ReconnectPolicy.builder().backoff(Backoff.constant(Duration.ofSeconds(1)))
                .maxElapsed(Duration.ofSeconds(10)).build();
        BackoffSequence seq = new BackoffSequence(policy, new Random(1), 100 * S);
        assertThat(seq.next(109 * S, Duration.ZERO)).isPresent();
        assertThat(seq.next(110 * S, Duration.ZERO)).isEmpty();
        assertThat(seq.elapsed(110 * S)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void retryAfterHint_isHonoured_plusJitterWithinHalfTheHint() {
        ReconnectPolicy policy = ReconnectPolicy.builder().backoff(Backoff.constant(Duration.ofMillis(100))).build();
        Random random = new Random(9);
        for (int i = 0; i < 1000; i++) {
            BackoffSequence seq = new BackoffSequence(policy, random, 0);
            Duration d = seq.next(0, Duration.ofSeconds(2)).orElseThrow();
            assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3));
        }
    }

    @Test
    void retryAfterHint_neverShortensALongerBackoff() {
        ReconnectPolicy policy = ReconnectPolicy.builder().backoff(Backoff.constant(Duration.ofSeconds(20))).build();
        BackoffSequence seq = new BackoffSequence(policy, new Random(1), 0);
        assertThat(seq.next(0, Duration.ofSeconds(1))).contains(Duration.ofSeconds(20));
    }

    @Test
    void defaultPolicy_isDecorrelatedJitter250msTo30s_unlimited_workingAfter2s() {
        ReconnectPolicy policy = ReconnectPolicy.DEFAULT;
        assertThat(policy.backoff()).isEqualTo(new DecorrelatedJitterBackoff(Duration.ofMillis(250), Duration.ofSeconds(30), 3.0));
        assertThat(policy.resetAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.maxAttempts()).isZero();
        assertThat(policy.maxElapsed()).isZero();
        BackoffSequence seq = new BackoffSequence(policy, new Random(2), 0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(seq.next(i * S, Duration.ZERO).orElseThrow()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(30));
        }
        assertThat(policy.toBuilder().build()).isEqualTo(policy);
    }
}
