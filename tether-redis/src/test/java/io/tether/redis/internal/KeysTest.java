package io.tether.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeysTest {
    @Test
    void aSessionsKeys_shareOneHashTag_soOneSlot() {
        Keys keys = new Keys("tether", "/chat");
        assertThat(text(keys.session("abc"))).isEqualTo("tether:{/chat:abc}:s");
        assertThat(text(keys.outbound("abc"))).isEqualTo("tether:{/chat:abc}:out");
        assertThat(SlotHash.getSlot(keys.session("abc"))).isEqualTo(SlotHash.getSlot(keys.outbound("abc")));
        assertThat(text(keys.bucket(3))).isEqualTo("tether:{/chat:exp:3}");
        assertThat(text(keys.counter())).isEqualTo("tether:{/chat}:n");
    }

    @Test
    void namespaceAndId_areEscaped_soNoPairSharesAKey_andNoIdEndsTheTag() {
        assertThat(text(new Keys("p", "a:b").session("c"))).isNotEqualTo(text(new Keys("p", "a").session("b:c")));
        assertThat(text(new Keys("p", "n").session("x}y{z%"))).isEqualTo("p:{n:x%7Dy%7Bz%25}:s");
        assertThat(text(new Keys("p", "n").session("exp:3"))).as("an id cannot pose as an index bucket")
                .isNotEqualTo(text(new Keys("p", "n").bucket(3)) + ":s");
        Keys tricky = new Keys("p", "{ns}");
        assertThat(SlotHash.getSlot(tricky.session("}"))).isEqualTo(SlotHash.getSlot(tricky.outbound("}")));
    }

    @Test
    void idsSpreadOverTheBuckets() {
        Keys keys = new Keys("tether", "/chat");
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            used.add(text(keys.bucketOf("s-" + i)));
        }
        assertThat(used).hasSize(Keys.BUCKETS);
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
