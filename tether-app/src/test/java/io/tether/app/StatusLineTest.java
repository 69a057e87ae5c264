package io.tether.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.RoundTripTime;
import io.tether.core.session.SessionStats;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the status line of {@code tether connect} says, from what the socket reports. */
class StatusLineTest {
    @Test
    void showsTheStateTheRoundTripAndTheSessionCounts() {
        String line = StatusLine.render("OPEN", Optional.of(new RoundTripTime(Duration.ofNanos(1_234_000),
                Duration.ofNanos(1_500_000))), Optional.of(new SessionStats(12, 11, 9, 1, 2, 3)));
        assertThat(line).isEqualTo("OPEN · rtt 1.2 ms (avg 1.5 ms) · sent 12 acked 11 · received 9 · replayed 2"
                + " · duplicates dropped 1");
    }

    @Test
    void beforeAnyPongOrSession_onlyTheState() {
        assertThat(StatusLine.render("RECONNECTING", Optional.empty(), Optional.empty())).isEqualTo("RECONNECTING");
    }
}
