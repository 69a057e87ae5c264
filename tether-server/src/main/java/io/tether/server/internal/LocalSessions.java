package io.tether.server.internal;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The sessions this process holds live objects for (their attachment: engine, connection, timers),
 * by id. Their state is in the {@link io.tether.server.store.SessionStore}. Thread-safe.
 */
final class LocalSessions {
    private final ConcurrentMap<String, ServerSession> sessions = new ConcurrentHashMap<>();

    /** Adds {@code session}; false when its id is taken here. */
    boolean add(ServerSession session) {
        return sessions.putIfAbsent(session.id(), session) == null;
    }

    /** Holds {@code session} under its id, in place of any earlier attachment (which let go or will). */
    void replace(ServerSession session) {
        sessions.put(session.id(), session);
    }

    Optional<ServerSession> find(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    /** Removes {@code session} if it is still the one held under its id. */
    boolean remove(ServerSession session) {
        return sessions.remove(session.id(), session);
    }

    int size() {
        return sessions.size();
    }
}
