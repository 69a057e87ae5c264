package io.tether.server.store;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Sessions in this process's memory: gone when it ends, so a restarted server answers every resume
 * with a reset. Every stage is already complete when returned (no hop, no allocation beyond the
 * stage): this store costs what a map costs. Thread-safe; each session is guarded by its own lock.
 */
public final class InMemorySessionStore implements SessionStore {
    /** Shareable: a minimal stage cannot be completed or obtruded by a caller. */
    private static final CompletionStage<Void> DONE = CompletableFuture.completedStage(null);

    private final Map<String, Held> sessions = new ConcurrentHashMap<>();
    /** Node → lease end, ms. */
    private final Map<String, Long> leases = new ConcurrentHashMap<>();

    /** One session's mutable state, guarded by itself. */
    private static final class Held {
        final String id;
        final java.time.Duration ttl;
        byte[] token;
        byte @Nullable [] previousToken;
        long epoch;
        String owner;
        long lastSeq;
        long acked;
        final ArrayDeque<StoredMessage> outbound = new ArrayDeque<>();
        long delivering;
        long delivered;
        long expiresAtMillis = Long.MAX_VALUE;
        boolean removed;

        Held(SessionState s) {
            id = s.id();
            ttl = s.ttl();
            token = s.token().clone();
            previousToken = s.previousToken() == null ? null : s.previousToken().clone();
            epoch = s.epoch();
            owner = s.owner();
            lastSeq = s.outboundLastSeq();
            acked = s.outboundAcked();
            outbound.addAll(s.outbound());
            delivering = s.inboundDelivering();
            delivered = s.inboundDelivered();
        }

        SessionState snapshot() {
            return new SessionState(id, token.clone(), previousToken == null ? null : previousToken.clone(), epoch,
                    owner, ttl, lastSeq, acked, new ArrayList<>(outbound), delivering, delivered);
        }
    }

    @Override
    public CompletionStage<Boolean> create(SessionState session) {
        return CompletableFuture.completedStage(sessions.putIfAbsent(session.id(), new Held(session)) == null);
    }

    @Override
    public CompletionStage<Optional<SessionState>> claim(String id, byte[] presentedToken, byte[] newToken, String owner) {
        Held h = sessions.get(id);
        if (h == null) {
            return CompletableFuture.completedStage(Optional.empty());
        }
        synchronized (h) {
            boolean current = MessageDigest.isEqual(h.token, presentedToken);
            boolean previous = h.previousToken != null && MessageDigest.isEqual(h.previousToken, presentedToken);
            if (h.removed || !(current | previous)) {
                return CompletableFuture.completedStage(Optional.empty());
            }
            h.previousToken = presentedToken.clone();
            h.token = newToken.clone();
            h.epoch++;
            h.owner = owner;
            h.expiresAtMillis = Long.MAX_VALUE;
            return CompletableFuture.completedStage(Optional.of(h.snapshot()));
        }
    }

    @Override
    public CompletionStage<Void> confirmToken(String id, long epoch) {
        return write(id, epoch, h -> h.previousToken = null);
    }

    @Override
    public CompletionStage<Void> append(String id, long epoch, List<StoredMessage> messages) {
        return write(id, epoch, h -> {
            long expected = h.lastSeq + 1;
            for (StoredMessage m : messages) {
                if (m.seq() != expected) {
                    throw new IllegalArgumentException("session " + id + ": appended seq " + m.seq()
                            + " where " + expected + " comes next");
                }
                expected++;
            }
            h.outbound.addAll(messages);
            h.lastSeq = expected - 1;
        });
    }

    @Override
    public CompletionStage<Void> acknowledge(String id, long epoch, long upTo) {
        return write(id, epoch, h -> {
            if (upTo > h.lastSeq) {
                throw new IllegalArgumentException("session " + id + ": ack " + upTo + " beyond the last seq " + h.lastSeq);
            }
            while (!h.outbound.isEmpty() && h.outbound.peekFirst().seq() <= upTo) {
                h.outbound.pollFirst();
            }
            h.acked = Math.max(h.acked, upTo);
        });
    }

    @Override
    public CompletionStage<Void> recordInbound(String id, long epoch, long delivering, long delivered) {
        if (delivered > delivering) {
            return CompletableFuture.failedStage(
                    new IllegalArgumentException("delivered " + delivered + " beyond delivering " + delivering));
        }
        return write(id, epoch, h -> {
            h.delivering = Math.max(h.delivering, delivering);
            h.delivered = Math.max(h.delivered, delivered);
        });
    }

    @Override
    public CompletionStage<Void> detach(String id, long epoch, long expiresAtMillis) {
        return write(id, epoch, h -> h.expiresAtMillis = expiresAtMillis);
    }

    @Override
    public CompletionStage<List<SessionState>> takeExpired(long nowMillis, int max) {
        List<SessionState> taken = new ArrayList<>();
        for (Held h : sessions.values()) {
            if (taken.size() >= max) {
                break;
            }
            synchronized (h) {
                if (!h.removed && h.expiresAtMillis <= nowMillis) {
                    h.removed = true;
                    sessions.remove(h.id, h);
                    taken.add(h.snapshot());
                }
            }
        }
        return CompletableFuture.completedStage(taken);
    }

    @Override
    public CompletionStage<Void> renewLease(String node, long expiresAtMillis) {
        leases.put(java.util.Objects.requireNonNull(node, "node"), expiresAtMillis);
        return DONE;
    }

    /** Scans every session per dead node: fine for a map; a dead node is forgotten once all its sessions were seen. */
    @Override
    public CompletionStage<Integer> orphan(long nowMillis, int max) {
        int orphaned = 0;
        for (Map.Entry<String, Long> lease : leases.entrySet()) {
            long end = lease.getValue();
            if (end >= nowMillis) {
                continue;
            }
            boolean all = true;
            for (Held h : sessions.values()) {
                if (orphaned >= max) {
                    all = false;
                    break;
                }
                synchronized (h) {
                    if (!h.removed && h.owner.equals(lease.getKey()) && h.expiresAtMillis == Long.MAX_VALUE) {
                        h.expiresAtMillis = end + h.ttl.toMillis();
                        orphaned++;
                    }
                }
            }
            if (all) {
                leases.remove(lease.getKey(), end); // unless renewed meanwhile
            }
        }
        return CompletableFuture.completedStage(orphaned);
    }

    @Override
    public CompletionStage<Optional<SessionState>> load(String id) {
        Held h = sessions.get(id);
        if (h == null) {
            return CompletableFuture.completedStage(Optional.empty());
        }
        synchronized (h) {
            return CompletableFuture.completedStage(h.removed ? Optional.empty() : Optional.of(h.snapshot()));
        }
    }

    @Override
    public CompletionStage<Boolean> remove(String id, long epoch) {
        Held h = sessions.get(id);
        if (h == null) {
            return CompletableFuture.completedStage(false);
        }
        synchronized (h) {
            if (h.removed || h.epoch != epoch) {
                return CompletableFuture.completedStage(false);
            }
            h.removed = true;
            sessions.remove(id, h);
            return CompletableFuture.completedStage(true);
        }
    }

    @Override
    public CompletionStage<Long> count() {
        return CompletableFuture.completedStage((long) sessions.size());
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public void close() {
        sessions.clear();
        leases.clear();
    }

    private interface Change {
        void apply(Held h);
    }

    /** Applies {@code change} if {@code epoch} owns the session; a refused change fails the stage. */
    private CompletionStage<Void> write(String id, long epoch, Change change) {
        Held h = sessions.get(id);
        if (h == null) {
            return CompletableFuture.failedStage(new SessionMovedException(id, "session " + id + " no longer exists"));
        }
        synchronized (h) {
            if (h.removed) {
                return CompletableFuture.failedStage(new SessionMovedException(id, "session " + id + " no longer exists"));
            }
            if (h.epoch != epoch) {
                return CompletableFuture.failedStage(new SessionMovedException(id, "session " + id + " is owned by "
                        + h.owner + " at epoch " + h.epoch + ", not epoch " + epoch));
            }
            try {
                change.apply(h);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedStage(e);
            }
            return DONE;
        }
    }
}
