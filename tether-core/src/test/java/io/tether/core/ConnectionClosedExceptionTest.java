package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionClosedExceptionTest {

    @Test
    void carriesCodeAndReason_inItsMessage_withoutAStackTrace() {
        ConnectionClosedException e = new ConnectionClosedException(CloseCodes.ABNORMAL, "connection lost");

        assertThat(e.code()).isEqualTo(1006);
        assertThat(e.reason()).isEqualTo("connection lost");
        assertThat(e).hasMessage("connection closed (1006 connection lost)");
        assertThat(e.getStackTrace()).isEmpty();
    }
}
