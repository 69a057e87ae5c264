package io.tether.server.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For tests of several server nodes in one JVM: every node that uses this factory sees the same
 * sessions per namespace, and the stores say they are {@link SessionStore#shared() shared}, so the
 * servers run the shared-store code paths (journal, takeover, sweep) as they would on Redis. The
 * state is an {@link InMemorySessionStore}, which passes the store contract; only {@code shared()}
 * differs. A node's stop does not close it.
 */
public final class SharedMemorySessionStores implements SessionStore.Factory {
    private final Map<String, InMemorySessionStore> namespaces = new ConcurrentHashMap<>();

    @Override
    public SessionStore open(String namespace) {
        return new SharedSessionStore(namespaces.computeIfAbsent(namespace, n -> new InMemorySessionStore()));
    }
}
