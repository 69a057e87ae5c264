package io.tether.server;

import java.util.Optional;

/**
 * Where a server keeps its {@code tether.v1} sessions (SPI). The default keeps them in memory, so a
 * restarted server has none and every resume gets a new session (the client reports a reset).
 * docs/protocol.md ("Session store") states what a shared store, such as Redis, must guarantee:
 * {@link #add} and {@link #remove} atomic, lookups never blocking an event loop, and a message
 * acknowledged only once the store holds it.
 *
 * @param <S> the server's session type; implementations store it opaquely
 */
public interface SessionStore<S extends SessionStore.Stored> {

    /** What a store needs of a session. */
    interface Stored {
        String id();
    }

    /** Adds a new session; false when its id is taken (the caller draws another). Atomic. */
    boolean add(S session);

    /** The session with {@code id}. Must not block: called on an event loop. */
    Optional<S> find(String id);

    /** Removes {@code session} if it is still the one stored under its id. Atomic. */
    boolean remove(S session);

    /** Sessions held. */
    int size();
}
