package io.tether.server.rooms;

import io.tether.server.Session;

/** Decides whether a session may join a room. Called on the joining session's thread; must not block. */
@FunctionalInterface
public interface RoomAuthorizer {

    boolean mayJoin(Session session, String room);

    /** Everyone may join every room (the demo's default). */
    RoomAuthorizer OPEN = (session, room) -> true;
}
