package io.tether.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RoomBus} promises, run against each implementation (in memory here, Redis and
 * Redis Cluster in tether-redis). Each test uses a namespace of its own.
 */
public abstract class RoomBusContract {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The factory under test; buses opened from it with one namespace share rooms. */
    protected abstract RoomBus.Factory factory();

    private final String namespace = "/contract-" + UUID.randomUUID();
    private final List<RoomBus> opened = new ArrayList<>();

    /** Records what a node hears. */
    protected static final class Heard implements RoomBus.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<String> changed = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(String room, String incarnation, long seq, String payload) {
            messages.add(room + "#" + seq + "=" + payload);
        }

        @Override
        public void onMembersChanged(String room) {
            changed.add(room);
        }

        @Override
        public void onReconnected() {
        }
    }

    private RoomBus open(Heard heard) {
        RoomBus bus = factory().open(namespace, heard);
        opened.add(bus);
        return bus;
    }

    @AfterEach
    void closeBuses() {
        opened.forEach(RoomBus::close);
    }

    private static <T> T done(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Until a bus with a channel hears its own publications (its subscription is in place). */
    private static void awaitListening(RoomBus bus, Heard heard) {
        await().atMost(WAIT).until(() -> {
            done(bus.publish("warm-up", "ping"));
            return heard.messages.stream().anyMatch(m -> m.startsWith("warm-up#"));
        });
    }

    @Test
    void publish_numbersARoomsMessages_inOneOrder_heardByEveryNode_andKeptInTheLog() {
        Heard one = new Heard();
        Heard two = new Heard();
        RoomBus a = open(one);
        RoomBus b = open(two);
        awaitListening(a, one);
        awaitListening(b, two);
        for (int i = 1; i <= 5; i++) {
            assertThat(done((i % 2 == 0 ? a : b).publish("r", "m" + i))).isEqualTo(i);
        }
        List<String> expected = List.of("r#1=m1", "r#2=m2", "r#3=m3", "r#4=m4", "r#5=m5");
        await().atMost(WAIT).until(() -> one.messages.stream().filter(m -> m.startsWith("r#")).count() == 5
                && two.messages.stream().filter(m -> m.startsWith("r#")).count() == 5);
        assertThat(one.messages.stream().filter(m -> m.startsWith("r#")).toList()).isEqualTo(expected);
        assertThat(two.messages.stream().filter(m -> m.startsWith("r#")).toList()).isEqualTo(expected);
        String incarnation = done(a.status("r", Set.of())).incarnation();
        assertThat(done(b.range("r", incarnation, 2, 2))).containsExactly(new RoomBus.Entry(3, "m3"), new RoomBus.Entry(4, "m4"));
        assertThat(done(b.range("r", incarnation, 5, 10))).isEmpty();
        assertThat(done(b.range("r", "another incarnation", 0, 10))).as("a range of an incarnation gone").isEmpty();
    }

    @Test
    void join_returnsTheHistoryUpToTheCursor_atomically_andAJoinAgainKeepsTheCursor() {
        RoomBus bus = open(new Heard());
        for (int i = 1; i <= 4; i++) {
            done(bus.publish("r", "m" + i));
        }
        RoomBus.Joined joined = done(bus.join("r", "s1", "sam", "n1", 3));
        assertThat(joined.lastSeq()).isEqualTo(4);
        assertThat(joined.history()).extracting(RoomBus.Entry::payload).containsExactly("m2", "m3", "m4");
        assertThat(done(bus.position("r", "s1"))).isEqualTo(new RoomBus.Position(joined.incarnation(), 4, 4));
        done(bus.publish("r", "m5"));
        done(bus.advance("r", joined.incarnation(), Map.of("s1", 5L)));
        done(bus.advance("r", joined.incarnation(), Map.of("s1", 2L)));
        done(bus.advance("r", "another incarnation", Map.of("s1", 9L)));
        assertThat(done(bus.position("r", "s1")).cursor()).as("raised, never lowered, only in its incarnation").isEqualTo(5);
        assertThat(done(bus.join("r", "s1", "sam", "n2", 0)).history()).isEmpty();
        assertThat(done(bus.position("r", "s1")).cursor()).as("joining again keeps the cursor").isEqualTo(5);
        assertThat(done(bus.publishIfMember("r", "stranger", "no"))).as("not a member: nothing published").isZero();
        assertThat(done(bus.publishIfMember("nowhere", "s1", "no"))).isZero();
        assertThat(done(bus.status("nowhere", Set.of())).lastSeq()).isZero();
        assertThat(done(bus.publishIfMember("r", "s1", "m6"))).isEqualTo(6);
        assertThat(done(bus.position("r", "stranger"))).isNull();
        assertThat(done(bus.position("nowhere", "s1"))).isNull();
    }

    @Test
    void status_listsMembers_onlineOnlyWhileFlaggedAndTheirNodeLives_andChangesAreHeard() {
        Heard other = new Heard();
        RoomBus bus = open(new Heard());
        RoomBus watcher = open(other);
        awaitListening(watcher, other);
        done(bus.join("r", "s1", "sam", "n1", 0));
        done(bus.join("r", "s2", "kim", "n2", 0));
        await().atMost(WAIT).until(() -> other.changed.contains("r"));
        assertThat(done(bus.status("r", Set.of("n1", "n2"))).members()).containsExactlyInAnyOrder(
                new RoomBus.Member("s1", "sam", true), new RoomBus.Member("s2", "kim", true));
        assertThat(done(bus.status("r", Set.of("n1"))).members()).as("n2 is dead")
                .contains(new RoomBus.Member("s2", "kim", false));
        other.changed.clear();
        done(bus.presence("r", "s1", "n1", false));
        await().atMost(WAIT).until(() -> other.changed.contains("r"));
        assertThat(done(bus.status("r", Set.of("n1", "n2"))).members()).contains(new RoomBus.Member("s1", "sam", false));
        done(bus.presence("r", "s1", "n3", true));
        assertThat(done(bus.status("r", Set.of("n3"))).members()).as("held by n3 now")
                .contains(new RoomBus.Member("s1", "sam", true));
        done(bus.presence("r", "s1", "n1", false));
        assertThat(done(bus.status("r", Set.of("n1", "n3"))).members()).as("n1 lost s1 to n3: it cannot take it offline")
                .contains(new RoomBus.Member("s1", "sam", true));
        done(bus.presence("r", "stranger", "n1", true));
        assertThat(done(bus.status("r", Set.of("n1"))).members()).as("presence does not make a member").hasSize(2);
    }

    @Test
    void leave_andForget_removeMembers_andAnEmptyRoomStartsAgainAsANewIncarnation() {
        RoomBus bus = open(new Heard());
        RoomBus.Joined first = done(bus.join("r", "s1", "sam", "n1", 0));
        done(bus.join("q", "s1", "sam", "n1", 0));
        done(bus.publish("r", "old"));
        done(bus.describe("s1", "sam"));
        assertThat(done(bus.roomsOf("s1"))).containsExactlyInAnyOrder("r", "q");
        assertThat(done(bus.description("s1"))).isEqualTo("sam");
        assertThat(done(bus.leave("r", "s1"))).isTrue();
        assertThat(done(bus.leave("r", "s1"))).isFalse();
        assertThat(done(bus.roomsOf("s1"))).containsExactly("q");
        RoomBus.Joined again = done(bus.join("r", "s2", "kim", "n1", 10));
        assertThat(again.incarnation()).isNotEqualTo(first.incarnation());
        assertThat(again.lastSeq()).isZero();
        assertThat(again.history()).isEmpty();
        assertThat(done(bus.forget("s1"))).containsExactly("q");
        assertThat(done(bus.roomsOf("s1"))).isEmpty();
        assertThat(done(bus.description("s1"))).isNull();
        assertThat(done(bus.status("q", Set.of())).members()).isEmpty();
    }

    @Test
    void heartbeat_returnsTheNodesAliveNow() {
        RoomBus bus = open(new Heard());
        assertThat(done(bus.heartbeat("n1", 2_000, 1_000))).containsExactly("n1");
        assertThat(done(bus.heartbeat("n2", 5_000, 1_500))).containsExactlyInAnyOrder("n1", "n2");
        assertThat(done(bus.heartbeat("n2", 6_000, 3_000))).as("n1's lease ended at 2000").containsExactly("n2");
    }

    @Test
    void roomNamesAndPayloads_withAnyCharacters_travelIntact() {
        Heard heard = new Heard();
        RoomBus bus = open(heard);
        awaitListening(bus, heard);
        String room = "a:b{c}\n%d é";
        String payload = "line one\nline two: {x} é ✓";
        done(bus.join(room, "s1", "who:{}", "n1", 0));
        done(bus.publish(room, payload));
        await().atMost(WAIT).until(() -> heard.messages.contains(room + "#1=" + payload));
        assertThat(done(bus.roomsOf("s1"))).containsExactly(room);
        assertThat(done(bus.status(room, Set.of("n1"))).members()).containsExactly(new RoomBus.Member("s1", "who:{}", true));
    }
}
