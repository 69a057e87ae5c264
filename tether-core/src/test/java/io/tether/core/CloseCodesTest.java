package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseCodesTest {

    @Test
    void requireValid_namesWhatIsWrong() {
        CloseCodes.requireValid(4000, "x".repeat(123));
        assertThatThrownBy(() -> CloseCodes.requireValid(1005, "")).hasMessageContaining("close code 1005");
        assertThatThrownBy(() -> CloseCodes.requireValid(1000, "x".repeat(124))).hasMessageContaining("123 UTF-8 bytes");
    }

    @Test
    void fitReason_cutsAt123Bytes_neverInsideACharacter() {
        assertThat(CloseCodes.fitReason("short")).isEqualTo("short");
        String euros = "€".repeat(50); // 150 bytes
        String fitted = CloseCodes.fitReason(euros);
        assertThat(fitted.getBytes(StandardCharsets.UTF_8)).hasSize(123);
        assertThat(fitted).isEqualTo("€".repeat(41));
        assertThat(CloseCodes.fitReason("a".repeat(122) + "€")).isEqualTo("a".repeat(122));
    }
}
