package io.tether.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.testing.ConfigRoundTrip;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatConfigTest {

    @Test
    void toBuilder_roundTripsEveryComponent() {
        HeartbeatConfig custom = ConfigRoundTrip.of(HeartbeatConfig.class, HeartbeatConfig::builder,
                HeartbeatConfig.Builder::build, HeartbeatConfig::toBuilder).verify();
        assertThat(custom.phiAccrual()).as("nested record changed too").isNotEqualTo(PhiAccrualConfig.DEFAULT);
        assertThat(HeartbeatConfig.DEFAULT.toBuilder().build()).isEqualTo(HeartbeatConfig.DEFAULT);
    }

    @Test
    void defaults_detectWithinThirtySeconds_underCommonSixtySecondProxyTimeouts() {
        assertThat(HeartbeatConfig.DEFAULT.detectionBound()).isEqualTo(Duration.ofSeconds(30));
        assertThat(HeartbeatConfig.DEFAULT.enabled()).isTrue();
        assertThat(HeartbeatConfig.DISABLED.enabled()).isFalse();
    }

    @Test
    void build_rejectsBadValues_namingTheSetting() {
        assertThatThrownBy(() -> HeartbeatConfig.builder().pingInterval(Duration.ZERO).build())
                .hasMessageContaining("pingInterval");
        assertThatThrownBy(() -> HeartbeatConfig.builder().pingTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("pingTimeout");
        assertThatThrownBy(() -> HeartbeatConfig.builder().pingJitter(0.7).build())
                .hasMessageContaining("pingJitter");
        assertThatThrownBy(() -> new PhiAccrualConfig(0, 10, Duration.ofMillis(1), Duration.ZERO))
                .hasMessageContaining("phiThreshold");
        assertThatThrownBy(() -> new PhiAccrualConfig(8, 0, Duration.ofMillis(1), Duration.ZERO))
                .hasMessageContaining("phiMaxSampleSize");
        assertThatThrownBy(() -> new PhiAccrualConfig(8, 10, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("phiMinStdDeviation");
    }
}
