package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms,500000000", "2s,2000000000", "1m,60000000000", "1h,3600000000000", "0,0",
            "250us,250000", "7ns,7", " 3 s ,3000000000"})
    void parse_acceptsWholeNumberAndUnit(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @CsvSource({"1.5s", "ms", "5", "-1s", "2 days", "''"})
    void parse_rejectsOtherForms_namingTheText(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("500ms");
    }

    @Test
    void format_isTheInverseOfParse() {
        for (String text : new String[] {"500ms", "2s", "1m", "1h", "90s", "1500us", "0"}) {
            assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
        }
    }

    @Test
    void requirePositive_namesTheSetting() {
        assertThatThrownBy(() -> Durations.requirePositive(Duration.ZERO, "pingInterval"))
                .hasMessage("pingInterval must be positive, was 0");
    }
}
