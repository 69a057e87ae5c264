package io.tether.core.internal.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.reconnect.RetryClassifier;
import io.tether.core.reconnect.RetryDecision;
import io.tether.core.testing.ConfigRoundTrip;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    @Test
    void toBuilder_roundTripsEveryComponent() {
        ConfigRoundTrip.of(ReconnectPolicy.class, ReconnectPolicy::builder, ReconnectPolicy.Builder::build,
                        ReconnectPolicy::toBuilder)
                .with(Backoff.class, Backoff.constant(Duration.ofSeconds(3)))
                .with(RetryClassifier.class, cause -> RetryDecision.giveUp("test"))
                .verify();
        assertThat(ReconnectPolicy.DEFAULT.toBuilder().build()).isEqualTo(ReconnectPolicy.DEFAULT);
    }
}
