package io.tether.core.internal.reconnect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long MS = 1_000_000L;

    @Test
    void startsFull_thenRefillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(10, 3, 0);
        assertThat(bucket.tryAcquire(0)).isZero();
        assertThat(bucket.tryAcquire(0)).isZero();
        assertThat(bucket.tryAcquire(0)).isZero();
        assertThat(bucket.tryAcquire(0)).isEqualTo(100 * MS);
        assertThat(bucket.tryAcquire(99 * MS)).isEqualTo(1 * MS);
        assertThat(bucket.tryAcquire(100 * MS)).isZero();
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(10, 2, 0);
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            if (bucket.tryAcquire(60_000 * MS) == 0) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(2);
    }

    @Test
    void grantsAtMostRateTimesSecondsPlusBurst_inAnyWindow() {
        TokenBucket bucket = new TokenBucket(50, 10, 0);
        int granted = 0;
        for (long t = 0; t <= 1000 * MS; t += MS / 10) {
            if (bucket.tryAcquire(t) == 0) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(60);
    }

    @Test
    void invalidSettings() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).hasMessageContaining("admission rate");
        assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).hasMessageContaining("admission burst");
    }
}
