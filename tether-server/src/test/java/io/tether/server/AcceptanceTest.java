package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcceptanceTest {

    @Test
    void refuse_takesOnly4xxAnd5xx() {
        assertThat(Acceptance.refuse(400, "bad").status()).isEqualTo(400);
        assertThat(Acceptance.refuse(599, "odd").status()).isEqualTo(599);
        assertThatThrownBy(() -> Acceptance.refuse(399, "x")).hasMessageContaining("4xx or 5xx, was 399");
        assertThatThrownBy(() -> Acceptance.refuse(600, "x")).hasMessageContaining("was 600");
        assertThatThrownBy(() -> Acceptance.refuse(101, "x")).hasMessageContaining("was 101");
    }

    @Test
    void refuse_keepsItsHeaders_andRefusesInjectionAndTetherOwnHeaders() {
        Acceptance.Refused r = Acceptance.refuse(429, "slow down").withHeader("Retry-After", "5")
                .withHeader("Retry-After", "7");
        assertThat(r.headers()).containsExactly(Map.entry("Retry-After", "7"));
        assertThat(r.reason()).isEqualTo("slow down");
        assertThatThrownBy(() -> Acceptance.refuse(401, "a\r\nSet-Cookie: x")).hasMessageContaining("reason must not contain CR or LF");
        assertThatThrownBy(() -> r.withHeader("X-A", "1\nX-B: 2")).hasMessageContaining("CR or LF");
        assertThatThrownBy(() -> r.withHeader("connection", "keep-alive")).hasMessageContaining("set by Tether");
        assertThatThrownBy(() -> r.withHeader("Content-Length", "0")).hasMessageContaining("set by Tether");
    }

    @Test
    void accept_copiesItsAttributes_andRefusesNulls() {
        Map<String, Object> attributes = new HashMap<>(Map.of("user", "ann"));
        Acceptance.Accepted a = (Acceptance.Accepted) Acceptance.accept(attributes);
        attributes.put("user", "bob");
        assertThat(a.attributes()).containsExactly(Map.entry("user", "ann"));
        assertThat(((Acceptance.Accepted) Acceptance.accept()).attributes()).isEmpty();
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("user", null);
        assertThatThrownBy(() -> Acceptance.accept(withNull)).isInstanceOf(NullPointerException.class);
    }
}
