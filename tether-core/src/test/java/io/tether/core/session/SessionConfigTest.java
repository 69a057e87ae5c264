package io.tether.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.testing.ConfigRoundTrip;
import org.junit.jupiter.api.Test;

class SessionConfigTest {

    @Test
    void toBuilder_roundTripsEveryComponent() {
        ConfigRoundTrip.of(SessionConfig.class, SessionConfig::builder, SessionConfig.Builder::build,
                SessionConfig::toBuilder).verify();
        assertThat(SessionConfig.DEFAULT.toBuilder().build()).isEqualTo(SessionConfig.DEFAULT);
    }
}
