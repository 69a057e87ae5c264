package io.tether.server.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
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
        return new Shared(namespaces.computeIfAbsent(namespace, n -> new InMemorySessionStore()));
    }

    private record Shared(InMemorySessionStore state) implements SessionStore {
        @Override
        public CompletionStage<Boolean> create(SessionState session) {
            return state.create(session);
        }

        @Override
        public CompletionStage<Optional<SessionState>> claim(String id, byte[] presentedToken, byte[] newToken, String owner) {
            return state.claim(id, presentedToken, newToken, owner);
        }

        @Override
        public CompletionStage<Void> confirmToken(String id, long epoch) {
            return state.confirmToken(id, epoch);
        }

        @Override
        public CompletionStage<Void> append(String id, long epoch, List<StoredMessage> messages) {
            return state.append(id, epoch, messages);
        }

        @Override
        public CompletionStage<Void> acknowledge(String id, long epoch, long upTo) {
            return state.acknowledge(id, epoch, upTo);
        }

        @Override
        public CompletionStage<Void> recordInbound(String id, long epoch, long delivering, long delivered) {
            return state.recordInbound(id, epoch, delivering, delivered);
        }

        @Override
        public CompletionStage<Void> detach(String id, long epoch, long expiresAtMillis) {
            return state.detach(id, epoch, expiresAtMillis);
        }

        @Override
        public CompletionStage<List<SessionState>> takeExpired(long nowMillis, int max) {
            return state.takeExpired(nowMillis, max);
        }

        @Override
        public CompletionStage<Void> renewLease(String node, long expiresAtMillis) {
            return state.renewLease(node, expiresAtMillis);
        }

        @Override
        public CompletionStage<Integer> orphan(long nowMillis, int max) {
            return state.orphan(nowMillis, max);
        }

        @Override
        public CompletionStage<Optional<SessionState>> load(String id) {
            return state.load(id);
        }

        @Override
        public CompletionStage<Boolean> remove(String id, long epoch) {
            return state.remove(id, epoch);
        }

        @Override
        public CompletionStage<Long> count() {
            return state.count();
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public void close() {
            // The nodes share it: one node stopping leaves it to the others.
        }
    }
}
