package io.tether.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.EncodedText;
import io.tether.core.HandshakeRequest;
import io.tether.core.WebSocketConnection;
import io.tether.core.session.SessionStats;
import io.tether.server.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoomsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A session that records what it was sent; {@code stored} decides whether a send completes. */
    static final class FakeSession implements Session {
        final String id;
        final List<String> sent = new CopyOnWriteArrayList<>();
        /** What sendText was given, as given: Rooms hands every member the same encoded instance. */
        final List<CharSequence> given = new CopyOnWriteArrayList<>();
        final List<String> flagged = new CopyOnWriteArrayList<>();
        volatile boolean connected = true;
        volatile boolean ended;

        FakeSession(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public Optional<WebSocketConnection> connection() {
            return Optional.empty();
        }

        @Override
        public HandshakeRequest handshake() {
            return HandshakeRequest.builder().path("/rooms").build();
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of();
        }

        @Override
        public CompletionStage<Void> sendText(CharSequence text) {
            if (ended) {
                return CompletableFuture.failedFuture(new IllegalStateException("session ended here"));
            }
            sent.add(text.toString());
            given.add(text);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> resendText(CharSequence text) {
            flagged.add(text.toString());
            return sendText(text);
        }

        @Override
        public void handledWhen(CompletionStage<?> work) {
            throw new AssertionError("rooms do not deliver client messages");
        }

        @Override
        public CompletionStage<Void> sendBinary(byte[] data) {
            throw new AssertionError("rooms send text");
        }

        @Override
        public SessionStats stats() {
            return new SessionStats(0, 0, 0, 0, 0, 0);
        }
    }

    private final List<Rooms> opened = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @AfterEach
    void close() {
        opened.forEach(Rooms::close);
    }

    /** A node's rooms; the periodic refresh is left to the test ({@link Rooms#refresh}). */
    private Rooms node(RoomBus.Factory bus, String name, int history, RoomAuthorizer authorizer,
            Rooms.PresenceListener presence) {
        Rooms rooms = Rooms.builder(bus).node(name).historySize(history).authorizer(authorizer).clock(clock)
                .refreshEvery(Duration.ofHours(1)).nodeLease(Duration.ofHours(2)).presence(presence).build();
        opened.add(rooms);
        return rooms;
    }

    private Rooms node(RoomBus.Factory bus, String name) {
        return node(bus, name, 10, RoomAuthorizer.OPEN, (r, m, h) -> { });
    }

    private static <T> T done(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Test
    void publish_reachesEveryMember_andOnlyMembers() {
        Rooms rooms = node(new InMemoryRoomBus(), "n1");
        FakeSession a = new FakeSession("a");
        FakeSession b = new FakeSession("b");
        FakeSession outsider = new FakeSession("c");
        done(rooms.join("lobby", a, "alice"));
        done(rooms.join("lobby", b, "bob"));
        done(rooms.join("other", outsider, "carol"));
        assertThat(done(rooms.publish("lobby", "hello"))).isEqualTo(1);
        await().atMost(WAIT).until(() -> a.sent.size() == 1 && b.sent.size() == 1);
        assertThat(a.sent).containsExactly("hello");
        assertThat(outsider.sent).isEmpty();
        assertThat(rooms.isMember("lobby", a)).isTrue();
        assertThat(rooms.isMember("lobby", outsider)).isFalse();
    }

    @Test
    void publish_encodesOnce_forEveryMember() {
        Rooms rooms = node(new InMemoryRoomBus(), "n1");
        List<FakeSession> members = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FakeSession s = new FakeSession("s" + i);
            members.add(s);
            done(rooms.join("lobby", s, "member " + i));
        }
        done(rooms.publish("lobby", "héllo"));
        await().atMost(WAIT).until(() -> members.stream().allMatch(s -> s.given.size() == 1));
        CharSequence first = members.get(0).given.get(0);
        assertThat(first).isInstanceOf(EncodedText.class).hasToString("héllo");
        assertThat(((EncodedText) first).utf8Length()).isEqualTo(6);
        // One encoded message for all five, not five encodes of the same text.
        assertThat(members).allSatisfy(s -> assertThat(s.given.get(0)).isSameAs(first));
    }

    @Test
    void history_isBounded_andGivenToLateJoiners_whoGetOnlyWhatFollows() {
        Rooms rooms = node(new InMemoryRoomBus(), "n1", 3, RoomAuthorizer.OPEN, (r, m, h) -> { });
        FakeSession a = new FakeSession("a");
        done(rooms.join("lobby", a, "alice"));
        for (int i = 1; i <= 5; i++) {
            done(rooms.publish("lobby", "m" + i));
        }
        FakeSession late = new FakeSession("late");
        Rooms.Joined joined = done(rooms.join("lobby", late, "late"));
        assertThat(joined.history()).containsExactly("m3", "m4", "m5");
        assertThat(joined.members()).extracting(RoomBus.Member::info).containsExactlyInAnyOrder("alice", "late");
        done(rooms.publish("lobby", "m6"));
        await().atMost(WAIT).until(() -> late.sent.contains("m6"));
        assertThat(late.sent).containsExactly("m6");
        assertThat(a.sent).containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
    }

    @Test
    void authorizer_canRefuse() {
        Rooms rooms = node(new InMemoryRoomBus(), "n1", 3, (session, room) -> !room.equals("staff"), (r, m, h) -> { });
        FakeSession a = new FakeSession("a");
        assertThat(done(rooms.join("staff", a, "a"))).isNull();
        assertThat(rooms.isMember("staff", a)).isFalse();
        assertThat(done(rooms.join("lobby", a, "a")).history()).isEmpty();
    }

    @Test
    void leave_andForget_andEmptyRoomsAreForgotten() {
        Rooms rooms = node(new InMemoryRoomBus(), "n1");
        FakeSession a = new FakeSession("a");
        done(rooms.join("x", a, "a"));
        done(rooms.join("y", a, "a"));
        done(rooms.publish("x", "old"));
        assertThat(rooms.roomsOf(a)).containsExactlyInAnyOrder("x", "y");
        assertThat(done(rooms.leave("x", a))).isTrue();
        assertThat(done(rooms.leave("x", a))).isFalse();
        assertThat(done(rooms.join("x", new FakeSession("b"), "b")).history()).as("history went with the empty room").isEmpty();
        assertThat(done(rooms.forget(a))).containsExactly("y");
        await().atMost(WAIT).until(() -> rooms.roomsOf(a).isEmpty());
    }

    @Test
    void concurrentPublishers_onTwoNodes_everyMemberSeesTheSameOrder() throws Exception {
        InMemoryRoomBus bus = new InMemoryRoomBus(5000);
        Rooms one = node(bus, "n1");
        Rooms two = node(bus, "n2");
        List<FakeSession> members = List.of(new FakeSession("1"), new FakeSession("2"), new FakeSession("3"));
        done(one.join("r", members.get(0), "1"));
        done(two.join("r", members.get(1), "2"));
        done(two.join("r", members.get(2), "3"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Rooms via = t % 2 == 0 ? one : two;
            pool.execute(() -> {
                for (int i = 0; i < 500; i++) {
                    via.publish("r", thread + ":" + i);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> members.stream().allMatch(m -> m.sent.size() == 2000));
        assertThat(members.get(1).sent).isEqualTo(members.get(0).sent);
        assertThat(members.get(2).sent).isEqualTo(members.get(0).sent);
    }

    /** Drops the messages the test names before they reach one node's listener, as a lost pub/sub connection would. */
    private static RoomBus.Factory lossy(RoomBus.Factory bus, AtomicReference<java.util.function.LongPredicate> drop) {
        return (namespace, listener) -> bus.open(namespace, new RoomBus.Listener() {
            @Override
            public void onMessage(String room, String incarnation, long seq, String payload) {
                if (!drop.get().test(seq)) {
                    listener.onMessage(room, incarnation, seq, payload);
                }
            }

            @Override
            public void onMembersChanged(String room) {
                listener.onMembersChanged(room);
            }

            @Override
            public void onReconnected() {
                listener.onReconnected();
            }
        });
    }

    @Test
    void aMessageTheNodeNeverHeardOf_isReadFromTheLog_onTheNextMessage_orOnTheNextRefresh() {
        InMemoryRoomBus bus = new InMemoryRoomBus();
        AtomicReference<java.util.function.LongPredicate> drop = new AtomicReference<>(seq -> seq == 2 || seq == 4);
        Rooms publisher = node(bus, "n1");
        Rooms lossy = node(lossy(bus, drop), "n2");
        FakeSession member = new FakeSession("m");
        done(lossy.join("r", member, "m"));
        for (int i = 1; i <= 4; i++) {
            done(publisher.publish("r", "m" + i));
        }
        await().atMost(WAIT).until(() -> member.sent.size() == 3);
        assertThat(member.sent).as("2 read from the log when 3 came; 4 not heard of yet").containsExactly("m1", "m2", "m3");
        lossy.refresh();
        await().atMost(WAIT).until(() -> member.sent.size() == 4);
        assertThat(member.sent).containsExactly("m1", "m2", "m3", "m4");
        assertThat(member.flagged).isEmpty();
        assertThat(lossy.gapsLost()).isZero();
    }

    @Test
    void aLateMessageOfAnotherIncarnation_isNotTakenForTheCurrentOne() {
        InMemoryRoomBus bus = new InMemoryRoomBus();
        AtomicReference<RoomBus.Listener> heard = new AtomicReference<>();
        Rooms rooms = node((namespace, listener) -> {
            heard.set(listener);
            return bus.open(namespace, listener);
        }, "n1");
        Rooms publisher = node(bus, "n2");
        FakeSession member = new FakeSession("m");
        done(rooms.join("r", member, "m"));
        done(publisher.publish("r", "m1"));
        await().atMost(WAIT).until(() -> member.sent.size() == 1);
        heard.get().onMessage("r", "a room deleted and made again since", 1, "ghost");
        done(publisher.publish("r", "m2"));
        await().atMost(WAIT).until(() -> member.sent.size() == 2);
        rooms.refresh();
        done(publisher.publish("r", "m3"));
        await().atMost(WAIT).until(() -> member.sent.size() == 3);
        assertThat(member.sent).as("no ghost, nothing again").containsExactly("m1", "m2", "m3");
    }

    @Test
    void aMissedStretchLongerThanTheLog_isCountedAndLogged_andTheMemberGoesOn() {
        InMemoryRoomBus bus = new InMemoryRoomBus(2);
        AtomicReference<java.util.function.LongPredicate> drop = new AtomicReference<>(seq -> seq <= 4);
        Rooms publisher = node(bus, "n1");
        Rooms lossy = node(lossy(bus, drop), "n2");
        FakeSession member = new FakeSession("m");
        done(lossy.join("r", member, "m"));
        for (int i = 1; i <= 5; i++) {
            done(publisher.publish("r", "m" + i));
        }
        await().atMost(WAIT).until(() -> member.sent.contains("m5"));
        assertThat(member.sent).as("the log kept 4 and 5 only").containsExactly("m4", "m5");
        assertThat(lossy.gapsLost()).isEqualTo(3);
    }

    @Test
    void aSessionTakenOverByAnotherNode_continuesFromItsCursor_withWhatFollowsFlagged() {
        InMemoryRoomBus bus = new InMemoryRoomBus();
        Rooms one = node(bus, "n1");
        Rooms two = node(bus, "n2");
        Rooms talker = node(bus, "n3");
        FakeSession onOne = new FakeSession("s");
        done(one.describe(onOne, "sam"));
        done(one.join("r", onOne, "sam"));
        done(talker.publish("r", "m1"));
        await().atMost(WAIT).until(() -> onOne.sent.size() == 1);
        // Node one dies: its session object hears nothing more; what is published now reaches nobody.
        onOne.ended = true;
        one.close();
        done(talker.publish("r", "m2"));
        done(talker.publish("r", "m3"));
        // The client resumes on node two: a new session object with the same id.
        FakeSession onTwo = new FakeSession("s");
        assertThat(done(two.attach(onTwo))).as("the nickname came along").isEqualTo("sam");
        assertThat(onTwo.flagged).containsExactly("m2", "m3");
        assertThat(two.isMember("r", onTwo)).isTrue();
        done(talker.publish("r", "m4"));
        await().atMost(WAIT).until(() -> onTwo.sent.size() == 3);
        assertThat(onTwo.sent).containsExactly("m2", "m3", "m4");
        assertThat(onTwo.flagged).as("live messages are not flagged").containsExactly("m2", "m3");
        assertThat(two.resent()).isEqualTo(2);
    }

    @Test
    void sendTo_reachesASessionByIdOnAnyNode_andFollowsItWhenItMoves() {
        InMemoryRoomBus bus = new InMemoryRoomBus();
        Rooms one = node(bus, "n1");
        Rooms two = node(bus, "n2");
        Rooms sender = node(bus, "n3");
        FakeSession onOne = new FakeSession("s");
        done(one.register(onOne));
        done(one.register(onOne));
        assertThat(done(sender.sendTo("s", "d1"))).isEqualTo(1);
        await().atMost(WAIT).until(() -> onOne.sent.size() == 1);
        assertThat(onOne.sent).containsExactly("d1");
        assertThat(one.roomsOf(onOne)).as("an inbox is not one of the session's rooms").isEmpty();
        // The session's node dies; what is sent meanwhile waits in the inbox's log.
        onOne.ended = true;
        one.close();
        done(sender.sendTo("s", "d2"));
        FakeSession onTwo = new FakeSession("s");
        done(two.attach(onTwo));
        done(sender.sendTo("s", "d3"));
        await().atMost(WAIT).until(() -> onTwo.sent.size() == 2);
        assertThat(onTwo.sent).containsExactly("d2", "d3");
        assertThat(onTwo.flagged).containsExactly("d2");
        assertThat(done(two.forget(onTwo))).containsExactly(Rooms.INBOX + "s");
        await().atMost(WAIT).until(() -> two.localRooms() == 0); // the inbox is not kept once its session ended
        assertThat(sender.sendTo("s", "after the end").toCompletableFuture())
                .failsWithin(WAIT).withThrowableThat().withMessageContaining("no session s registered");
        assertThat(sender.sendTo("nobody", "x").toCompletableFuture()).failsWithin(WAIT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sender.join("@s", onTwo, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inboxes");
    }

    @Test
    void presence_followsConnections_andADeadNodesMembersGoOffline_whenItsLeaseEnds() {
        InMemoryRoomBus bus = new InMemoryRoomBus();
        List<List<RoomBus.Member>> seen = new CopyOnWriteArrayList<>();
        Rooms watcher = node(bus, "w", 10, RoomAuthorizer.OPEN, (room, members, here) -> seen.add(members));
        Rooms doomed = node(bus, "d");
        done(watcher.join("r", new FakeSession("w1"), "walt"));
        FakeSession dora = new FakeSession("d1");
        done(doomed.join("r", dora, "dora"));
        // Heartbeats: the watcher learns that node d is alive at its own next refresh.
        await().atMost(WAIT).untilAsserted(() -> {
            done(doomed.heartbeatNow());
            done(watcher.heartbeatNow());
            watcher.refresh();
            assertThat(online(seen, "dora")).isTrue();
        });
        dora.connected = false;
        done(doomed.detach(dora));
        await().atMost(WAIT).until(() -> online(seen, "dora") == Boolean.FALSE);
        dora.connected = true;
        done(doomed.attach(dora));
        await().atMost(WAIT).until(() -> online(seen, "dora") == Boolean.TRUE);
        // Node d stops renewing its lease (it died): after the lease, the watcher shows dora offline.
        doomed.close();
        now.addAndGet(Duration.ofHours(2).toMillis() + 1);
        watcher.refresh();
        await().atMost(WAIT).until(() -> online(seen, "dora") == Boolean.FALSE);
    }

    private static Boolean online(List<List<RoomBus.Member>> seen, String who) {
        if (seen.isEmpty()) {
            return null;
        }
        return seen.get(seen.size() - 1).stream().filter(m -> m.info().equals(who)).findFirst()
                .map(RoomBus.Member::online).orElse(null);
    }
}
