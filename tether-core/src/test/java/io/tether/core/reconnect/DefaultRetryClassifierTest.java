package io.tether.core.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.ConnectFailedException;
import io.tether.core.ConnectionClosedException;
import io.tether.core.HandshakeRejectedException;
import io.tether.core.heartbeat.HeartbeatTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DefaultRetryClassifierTest {
    private final RetryClassifier classifier = RetryClassifier.DEFAULT;

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 426})
    void handshakeRefusedOnPurpose_isNotRetried(int status) {
        assertThat(classifier.classify(new HandshakeRejectedException(status, "", Map.of())).retry()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 429})
    void serverTrouble_isRetried(int status) {
        assertThat(classifier.classify(new HandshakeRejectedException(status, "", Map.of())).retry()).isTrue();
    }

    @Test
    void retryAfterHeader_becomesTheMinimumDelay() {
        RetryDecision d = classifier.classify(new HandshakeRejectedException(503, "", Map.of("retry-after", "3")));
        assertThat(d.retry()).isTrue();
        assertThat(d.minDelay()).isEqualTo(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1002, 1003, 1007, 1008, 1009, 1010, 4500, 4999})
    void closeCodesThatMeanDoNotComeBack_areNotRetried(int code) {
        assertThat(classifier.classify(new ConnectionClosedException(code, "")).retry()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1001, 1006, 1011, 1012, 1013, 1014, 3000, 4000, 4499})
    void transientCloseCodes_areRetried(int code) {
        assertThat(classifier.classify(new ConnectionClosedException(code, "")).retry()).isTrue();
    }

    @Test
    void closeReasonHint_isHonouredFor1012And1013() {
        assertThat(classifier.classify(new ConnectionClosedException(1012, "restarting; retry-after=1500ms")).minDelay())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(classifier.classify(new ConnectionClosedException(1013, "busy retry-after=2s")).minDelay())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void networkAndHeartbeatFailures_areRetried() {
        assertThat(classifier.classify(new ConnectFailedException("refused")).retry()).isTrue();
        assertThat(classifier.classify(new HeartbeatTimeoutException(Duration.ofSeconds(30), Duration.ofSeconds(30),
                "fixed", 1, 0, Optional.empty())).retry()).isTrue();
        assertThat(classifier.classify(new java.io.IOException("reset")).retry()).isTrue();
    }

    @Test
    void retryAfter_parsesAndClamps() {
        assertThat(RetryAfter.fromHeader(" 12 ")).contains(Duration.ofSeconds(12));
        assertThat(RetryAfter.fromHeader("Wed, 21 Oct 2026 07:28:00 GMT")).isEmpty();
        assertThat(RetryAfter.fromHeader("99999999")).contains(RetryAfter.MAX_HINT);
        assertThat(RetryAfter.fromCloseReason("no hint here")).isEmpty();
        assertThat(RetryAfter.fromCloseReason(RetryAfter.format(Duration.ofMillis(750)))).contains(Duration.ofMillis(750));
    }
}
