package io.tether.server.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * For tests: a {@link SessionStore} over an {@link InMemorySessionStore} that says it is
 * {@link #shared() shared}, so servers take the shared-store paths (journal, takeover, sweep), and
 * whose {@link #close()} leaves the state to the other nodes. Subclasses override an operation to
 * fail it or slow it down.
 */
public class SharedSessionStore implements SessionStore {
    /** The state underneath, for tests to look at or change behind the server's back. */
    public final InMemorySessionStore state;

    public SharedSessionStore(InMemorySessionStore state) {
        this.state = Objects.requireNonNull(state, "state");
    }

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
