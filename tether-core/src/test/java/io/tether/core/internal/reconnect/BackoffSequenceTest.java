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
    void feedsEachDelayBackAsPrevious_andCountsAttempts() {
        ReconnectPolicy policy = ReconnectPolicy.builder()
                .backoff((n, previous, r) -> previous.plusMillis(n)).build();
        BackoffSequence seq = new BackoffSequence(policy, new Random(1), 0);
        assertThat(seq.next(0, Duration.ZERO)).contains(Duration.ofMillis(1));
        assertThat(seq.next(0, Duration.ZERO)).contains(Duration.ofMillis(3));
        assertThat(seq.next(0, Duration.ZERO)).contains(Duration.ofMillis(6));
        assertThat(seq.attempts()).isEqualTo(3);
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
