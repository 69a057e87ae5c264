package io.tether.core.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The throttle in virtual time: exact lines allowed, exact counts of those left out. */
class LogThrottleTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void theBurstPasses_thenOneLinePerInterval_eachSayingHowManyWereLeftOut() {
        LogThrottle throttle = new LogThrottle(0.1, 3, 0); // a line per 10 s after 3 at once
        assertThat(throttle.admit(0)).isZero();
        assertThat(throttle.admit(0)).isZero();
        assertThat(throttle.admit(0)).isZero();
        for (int i = 0; i < 50; i++) {
            assertThat(throttle.admit(i * SECOND / 10)).isEqualTo(LogThrottle.SUPPRESS);
        }
        assertThat(throttle.admit(10 * SECOND)).as("the 50 left out, told once").isEqualTo(50);
        assertThat(throttle.admit(10 * SECOND)).isEqualTo(LogThrottle.SUPPRESS);
        assertThat(throttle.admit(20 * SECOND)).isEqualTo(1);
    }

    @Test
    void aThousandEventsInAMinute_writeTheBurstPlusOnePerInterval() {
        LogThrottle throttle = new LogThrottle(1.0 / 30, 10, 0);
        int written = 0;
        long leftOut = 0;
        for (int i = 0; i < 1000; i++) {
            long answer = throttle.admit(i * 60 * SECOND / 1000);
            if (answer != LogThrottle.SUPPRESS) {
                written++;
                leftOut += answer;
            }
        }
        assertThat(written).isEqualTo(10 + 1); // the burst at 0 s, one more at 30 s
        assertThat(leftOut).as("told in the line at 30 s").isEqualTo(490); // events 10 to 499
    }
}
