package io.tether.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code tether connect --count} counts: lost, duplicated and out-of-order numbers. */
class NumberedMessagesTest {

    @Test
    void countsEachKindOfFault_andLeavesOtherMessagesToTheCaller() {
        NumberedMessages m = new NumberedMessages(5);
        for (String text : new String[] {"tether-seq:1", "tether-seq:3", "tether-seq:2", "tether-seq:3"}) {
            assertThat(m.offer(text)).isTrue();
        }
        assertThat(m.offer("hello")).as("not ours").isFalse();
        assertThat(m.offer("tether-seq:9")).as("beyond the count").isFalse();
        assertThat(m.clean()).isFalse();
        assertThat(m.allReceived()).isNotDone();
        assertThat(m.report(true)).isEqualTo(
                "{\"event\":\"report\",\"sent\":5,\"received\":3,\"lost\":2,\"duplicates\":1,\"outOfOrder\":1}");
        assertThat(m.report(false)).isEqualTo("sent 5, received 3, lost 2, duplicated 1, out of order 1");

        NumberedMessages all = new NumberedMessages(2);
        all.offer(NumberedMessages.message(1));
        all.offer(NumberedMessages.message(2));
        assertThat(all.allReceived()).isDone();
        assertThat(all.clean()).isTrue();
    }
}
