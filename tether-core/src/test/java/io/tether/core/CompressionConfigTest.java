package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.testing.ConfigRoundTrip;
import org.junit.jupiter.api.Test;

class CompressionConfigTest {

    @Test
    void toBuilder_roundTripsEveryComponent() {
        ConfigRoundTrip.of(CompressionConfig.class, CompressionConfig::builder, CompressionConfig.Builder::build,
                CompressionConfig::toBuilder).verify();
        assertThat(CompressionConfig.ENABLED.toBuilder().build()).isEqualTo(CompressionConfig.ENABLED);
    }

    @Test
    void defaults_areOff_level6_min256_withContextTakeover() {
        assertThat(CompressionConfig.builder().build()).isEqualTo(CompressionConfig.DISABLED);
        assertThat(CompressionConfig.DISABLED.enabled()).isFalse();
        assertThat(CompressionConfig.ENABLED)
                .isEqualTo(new CompressionConfig(true, 6, 256, false, false));
    }

    @Test
    void build_rejectsBadValues_namingTheSetting() {
        assertThatThrownBy(() -> CompressionConfig.builder().level(10).build()).hasMessageContaining("level");
        assertThatThrownBy(() -> CompressionConfig.builder().level(-1).build()).hasMessageContaining("level");
        assertThatThrownBy(() -> CompressionConfig.builder().minMessageSize(-1).build())
                .hasMessageContaining("minMessageSize");
        assertThat(CompressionConfig.builder().level(0).minMessageSize(0).build().level()).isZero();
    }
}
