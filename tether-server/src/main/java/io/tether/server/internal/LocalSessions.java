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

    /** Sessions held here without a connection now. O(sessions): for a scrape, not a hot path. */
    int countDetached() {
        int n = 0;
        for (ServerSession s : sessions.values()) {
            if (!s.isConnected()) {
                n++;
            }
        }
        return n;
    }

    /**
     * {messages, bytes} unacknowledged in the replay buffers of the sessions held here, read from
     * other threads without their locks: a gauge's approximation, never used to decide anything.
     */
    long[] replayBuffered() {
        long messages = 0;
        long bytes = 0;
        for (ServerSession s : sessions.values()) {
            messages += s.replayBufferedMessages();
            bytes += s.replayBufferedBytes();
        }
        return new long[] {messages, bytes};
    }
}
