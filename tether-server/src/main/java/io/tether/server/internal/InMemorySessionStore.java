package io.tether.server.internal;

import io.tether.server.SessionStore;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Sessions in a concurrent map: gone when the process ends. */
public final class InMemorySessionStore<S extends SessionStore.Stored> implements SessionStore<S> {
    private final ConcurrentMap<String, S> sessions = new ConcurrentHashMap<>();

    @Override
    public boolean add(S session) {
        return sessions.putIfAbsent(session.id(), session) == null;
    }

    @Override
    public Optional<S> find(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public boolean remove(S session) {
        return sessions.remove(session.id(), session);
    }

    @Override
    public int size() {
        return sessions.size();
    }
}
