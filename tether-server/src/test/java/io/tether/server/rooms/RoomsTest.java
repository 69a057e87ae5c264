package io.tether.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.HandshakeRequest;
import io.tether.core.WebSocketConnection;
import io.tether.core.session.SessionStats;
import io.tether.server.Session;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoomsTest {

    /** A session that records what it was sent. */
    static final class FakeSession implements Session {
        final String id;
        final List<String> sent = new CopyOnWriteArrayList<>();

        FakeSession(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean isConnected() {
            return true;
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
            sent.add(text.toString());
            return CompletableFuture.completedFuture(null);
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

    @Test
    void publish_reachesEveryMember_andOnlyMembers() {
        Rooms rooms = new Rooms(RoomAuthorizer.OPEN, 10);
        FakeSession a = new FakeSession("a");
        FakeSession b = new FakeSession("b");
        FakeSession outsider = new FakeSession("c");
        rooms.join("lobby", a);
        rooms.join("lobby", b);
        rooms.join("other", outsider);
        assertThat(rooms.publish("lobby", "hello")).isEqualTo(2);
        assertThat(a.sent).containsExactly("hello");
        assertThat(b.sent).containsExactly("hello");
        assertThat(outsider.sent).isEmpty();
        assertThat(rooms.publish("nowhere", "x")).isZero();
    }

    @Test
    void history_isBounded_andGivenToLateJoiners() {
        Rooms rooms = new Rooms(RoomAuthorizer.OPEN, 3);
        FakeSession a = new FakeSession("a");
        rooms.join("lobby", a);
        for (int i = 1; i <= 5; i++) {
            rooms.publish("lobby", "m" + i);
        }
        assertThat(rooms.join("lobby", new FakeSession("late"))).containsExactly("m3", "m4", "m5");
    }

    @Test
    void authorizer_canRefuse() {
        Rooms rooms = new Rooms((session, room) -> !room.equals("staff"), 3);
        FakeSession a = new FakeSession("a");
        assertThat(rooms.join("staff", a)).isNull();
        assertThat(rooms.members("staff")).isEmpty();
        assertThat(rooms.join("lobby", a)).isEmpty();
    }

    @Test
    void leave_andLeaveAll_andEmptyRoomsAreForgotten() {
        Rooms rooms = new Rooms(RoomAuthorizer.OPEN, 3);
        FakeSession a = new FakeSession("a");
        rooms.join("x", a);
        rooms.join("y", a);
        rooms.publish("x", "old");
        assertThat(rooms.roomsOf(a)).containsExactlyInAnyOrder("x", "y");
        assertThat(rooms.leave("x", a)).isTrue();
        assertThat(rooms.leave("x", a)).isFalse();
        assertThat(rooms.join("x", new FakeSession("b"))).as("history went with the empty room").isEmpty();
        assertThat(rooms.leaveAll(a)).containsExactly("y");
    }

    @Test
    void concurrentPublishers_everyMemberSeesTheSameOrder() throws Exception {
        Rooms rooms = new Rooms(RoomAuthorizer.OPEN, 0);
        List<FakeSession> members = List.of(new FakeSession("1"), new FakeSession("2"), new FakeSession("3"));
        members.forEach(m -> rooms.join("r", m));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            pool.execute(() -> {
                for (int i = 0; i < 500; i++) {
                    rooms.publish("r", thread + ":" + i);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(members.get(0).sent).hasSize(2000);
        assertThat(members.get(1).sent).isEqualTo(members.get(0).sent);
        assertThat(members.get(2).sent).isEqualTo(members.get(0).sent);
    }
}
