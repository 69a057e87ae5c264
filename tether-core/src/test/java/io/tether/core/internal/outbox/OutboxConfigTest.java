package io.tether.core.internal.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.outbox.OutboxConfig;
import io.tether.core.testing.ConfigRoundTrip;
import org.junit.jupiter.api.Test;

class OutboxConfigTest {

    @Test
    void toBuilder_roundTripsEveryComponent() {
        ConfigRoundTrip.of(OutboxConfig.class, OutboxConfig::builder, OutboxConfig.Builder::build,
                OutboxConfig::toBuilder).verify();
        assertThat(OutboxConfig.DEFAULT.toBuilder().build()).isEqualTo(OutboxConfig.DEFAULT);
    }
}
