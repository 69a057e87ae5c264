package io.tether.bench.servers;

import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.rooms.InMemoryRoomBus;
import io.tether.server.rooms.Rooms;

/**
 * Room fan-out with Tether at /room: {@code tether.v1} sessions only, on one event loop, and
 * {@link Rooms} on an {@link InMemoryRoomBus}. A session that sends "join" joins room "bench";
 * anything else a session sends is published to the room, and so reaches every member through
 * its session (numbered, kept until acked). The bare-Netty counterpart is
 * {@link NettyBroadcastServer}.
 */
public final class TetherRoomServer {
    static final String PATH = "/room";
    static final String ROOM = "bench";
    static final String JOIN = "join";

    private TetherRoomServer() {
    }

    /** Starts and returns. */
    public static AutoCloseable start(int port) {
        Rooms rooms = Rooms.builder(new InMemoryRoomBus()).namespace(PATH).node("bench").build();
        TetherServer server = TetherServer.start(ServerConfig.builder().host("127.0.0.1").port(port)
                .ioThreads(1).maxFrameSize(1 << 20).maxMessageSize(1 << 20)
                .endpoint(Endpoint.sessionsOnly(PATH, new RoomMember(rooms))).build());
        // Messages a member's replay buffer refused never reach it; the runner kills the server
        // with SIGTERM, so this line in server.out tells such a loss from one on the wire.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf(
                "rooms undelivered=%d gaps_lost=%d%n", rooms.undelivered(), rooms.gapsLost())));
        return () -> {
            server.close();
            rooms.close();
        };
    }

    /** "join" joins the room; any other text is published to it. */
    private static final class RoomMember implements SessionListener {
        private final Rooms rooms;

        RoomMember(Rooms rooms) {
            this.rooms = rooms;
        }

        @Override
        public void onText(Session session, String text) {
            if (text.equals(JOIN)) {
                rooms.join(ROOM, session, session.id());
            } else {
                // As an application would: the message counts as handled once the bus has it.
                session.handledWhen(rooms.publish(ROOM, text));
            }
        }
    }
}
