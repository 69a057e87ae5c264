package io.tether.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.ProtocolViolationException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SequencingTest {

    @Test
    void replayBuffer_numbersFromOne_completesOnCumulativeAck_inOrder() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1000);
        List<CompletableFuture<Void>> futures = List.of(new CompletableFuture<>(), new CompletableFuture<>(),
                new CompletableFuture<>());
        for (CompletableFuture<Void> f : futures) {
            buffer.append(false, new byte[] {1}, f);
        }
        assertThat(buffer.lastSeq()).isEqualTo(3);
        assertThat(buffer.acknowledge(2)).isEqualTo(2);
        assertThat(futures.get(0)).isCompleted();
        assertThat(futures.get(1)).isCompleted();
        assertThat(futures.get(2)).isNotDone();
        assertThat(buffer.acknowledge(1)).as("a late, lower ack changes nothing").isZero();
        assertThat(buffer.size()).isEqualTo(1);
    }

    @Test
    void replayBuffer_ackBeyondWhatWasSent_isAProtocolViolation() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1000);
        buffer.append(false, new byte[] {1}, new CompletableFuture<>());
        assertThatThrownBy(() -> buffer.acknowledge(2)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("ack 2 beyond the last message sent (1)");
    }

    @Test
    void replayBuffer_isBoundedByMessagesAndBytes() {
        ReplayBuffer buffer = new ReplayBuffer(2, 10);
        assertThat(buffer.hasRoomFor(10)).isTrue();
        assertThat(buffer.hasRoomFor(11)).isFalse();
        assertThat(buffer.canEverHold(11)).isFalse();
        buffer.append(false, new byte[6], new CompletableFuture<>());
        assertThat(buffer.hasRoomFor(5)).isFalse();
        buffer.append(false, new byte[4], new CompletableFuture<>());
        assertThat(buffer.hasRoomFor(0)).isFalse();
        buffer.acknowledge(1);
        assertThat(buffer.hasRoomFor(6)).isTrue();
    }

    @Test
    void replayBuffer_replaysOnlyAfterThePeersLastReceived() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1000);
        for (int i = 0; i < 5; i++) {
            buffer.append(false, new byte[] {(byte) i}, new CompletableFuture<>());
        }
        List<Long> replayed = new java.util.ArrayList<>();
        buffer.forEachAfter(3, e -> replayed.add(e.seq()));
        assertThat(replayed).containsExactly(4L, 5L);
    }

    @Test
    void inbound_deliversInOrder_dropsReplayedDuplicates() {
        InboundWindow window = new InboundWindow();
        assertThat(window.accept(1)).isEqualTo(InboundWindow.Outcome.DELIVER);
        assertThat(window.accept(2)).isEqualTo(InboundWindow.Outcome.DELIVER);
        window.connectionStarted();
        assertThat(window.accept(1)).isEqualTo(InboundWindow.Outcome.DUPLICATE);
        assertThat(window.accept(2)).isEqualTo(InboundWindow.Outcome.DUPLICATE);
        assertThat(window.accept(3)).isEqualTo(InboundWindow.Outcome.DELIVER);
        assertThat(window.lastReceived()).isEqualTo(3);
        assertThat(window.duplicates()).isEqualTo(2);
    }

    @Test
    void inbound_backwardsOrGap_isAProtocolViolation() {
        InboundWindow window = new InboundWindow();
        window.accept(1);
        window.accept(2);
        assertThatThrownBy(() -> window.accept(2)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("sequence went backwards: 2 after 2");
        InboundWindow gap = new InboundWindow();
        assertThatThrownBy(() -> gap.accept(2)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("sequence gap: expected 1, got 2");
    }

    @Test
    void inbound_countsWhatIsNotYetAcknowledged() {
        InboundWindow window = new InboundWindow();
        window.accept(1);
        window.accept(2);
        assertThat(window.unacknowledged()).isEqualTo(2);
        window.acknowledged();
        assertThat(window.unacknowledged()).isZero();
        window.accept(3);
        window.peerKnows(3);
        assertThat(window.unacknowledged()).isZero();
    }
}
