package io.tether.server.rooms;

import io.tether.server.Session;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jspecify.annotations.Nullable;

/**
 * Named rooms of sessions. {@link #publish} hands a message to every member's session under the
 * room's lock, so all members see one room's messages in the same order; sending never blocks (a
 * session buffers while its client is away), so the lock is short. Empty rooms are forgotten with
 * their history. Thread-safe.
 */
public final class Rooms {
    private final RoomAuthorizer authorizer;
    private final int historySize;
    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();

    private static final class Room {
        final Set<Session> members = new CopyOnWriteArraySet<>();
        final ArrayDeque<String> history = new ArrayDeque<>();
    }

    /**
     * @param historySize messages kept per room for members who join later
     */
    public Rooms(RoomAuthorizer authorizer, int historySize) {
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        if (historySize < 0) {
            throw new IllegalArgumentException("historySize must not be negative, was " + historySize);
        }
        this.historySize = historySize;
    }

    /**
     * Adds {@code session} to {@code room} if the authorizer allows it.
     *
     * @return the room's history at the moment of joining (oldest first), or null when refused
     */
    public @Nullable List<String> join(String room, Session session) {
        if (!authorizer.mayJoin(session, room)) {
            return null;
        }
        Room r = rooms.computeIfAbsent(room, k -> new Room());
        synchronized (r) {
            r.members.add(session);
            return new ArrayList<>(r.history);
        }
    }

    /** Removes {@code session} from {@code room}; whether it was a member. */
    public boolean leave(String room, Session session) {
        Room r = rooms.get(room);
        if (r == null) {
            return false;
        }
        synchronized (r) {
            boolean removed = r.members.remove(session);
            if (r.members.isEmpty()) {
                rooms.remove(room, r);
            }
            return removed;
        }
    }

    /** Removes {@code session} from every room; returns the rooms it was in. */
    public List<String> leaveAll(Session session) {
        List<String> left = new ArrayList<>();
        for (String room : List.copyOf(rooms.keySet())) {
            if (leave(room, session)) {
                left.add(room);
            }
        }
        return left;
    }

    /**
     * Sends {@code message} to every member of {@code room} and keeps it in the history.
     *
     * @return how many members it was handed to (0 when the room does not exist)
     */
    public int publish(String room, String message) {
        return send(room, message, true);
    }

    /** Sends {@code message} to every member of {@code room} without keeping it (presence, notices). */
    public int broadcast(String room, String message) {
        return send(room, message, false);
    }

    private int send(String room, String message, boolean remember) {
        Room r = rooms.get(room);
        if (r == null) {
            return 0;
        }
        synchronized (r) {
            if (remember && historySize > 0) {
                if (r.history.size() == historySize) {
                    r.history.removeFirst();
                }
                r.history.addLast(message);
            }
            for (Session member : r.members) {
                member.sendText(message);
            }
            return r.members.size();
        }
    }

    /** The members of {@code room} now (a copy). */
    public Set<Session> members(String room) {
        Room r = rooms.get(room);
        return r == null ? Set.of() : Set.copyOf(r.members);
    }

    /** The rooms {@code session} is in. */
    public List<String> roomsOf(Session session) {
        List<String> in = new ArrayList<>();
        rooms.forEach((name, r) -> {
            if (r.members.contains(session)) {
                in.add(name);
            }
        });
        return in;
    }
}
