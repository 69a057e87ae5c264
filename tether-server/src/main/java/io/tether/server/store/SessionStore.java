package io.tether.server.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where a server keeps the state of its {@code tether.v1} sessions (SPI). Every operation is one of
 * the protocol's atomic steps, asynchronous, and never blocks the calling thread (an event loop):
 * stages complete on a thread of the store's choosing, and fail with
 * {@link StoreUnavailableException} when the store cannot be reached within its timeout, or with
 * {@link SessionMovedException} when a write is fenced off.
 *
 * <p><b>Fencing.</b> Each session has an {@link SessionState#epoch() epoch}, raised by every
 * {@link #claim}. Writes name the epoch the writer owns; a store refuses a write with any other
 * epoch, so a node that lost a session (the client resumed elsewhere while this node still held a
 * half-open connection) cannot change it any more.
 *
 * <p><b>Ordering.</b> Writes to one session issued by one thread complete in the order issued, and
 * a write that completed is visible to every later {@link #claim}, on any node.
 *
 * <p><b>Time.</b> Expiry deadlines are wall-clock milliseconds passed in by the caller, so every
 * node and test decides with its own (injected) clock; a store may also drop the keys of sessions
 * long past their deadline as a backstop.
 *
 * <p><b>Node leases.</b> A session gets a deadline when its connection ends on a live node
 * ({@link #detach}). For a node that dies holding connections (SIGKILL, power loss) nobody detaches
 * them, so every node that uses a shared store holds a lease, {@link #renewLease renewed} well
 * before it ends; {@link #orphan} detaches the sessions of a node whose lease ended as of the
 * moment it ended, and they then expire through {@link #takeExpired} like any detached session.
 * Lease ends, like deadlines, are wall-clock milliseconds of the caller's clock.
 *
 * <p>The contract is tested for every implementation by the same test class
 * ({@code SessionStoreContract} in tether-server's tests).
 */
public interface SessionStore extends AutoCloseable {

    /**
     * Opens the store of one endpoint's sessions: a server calls it once per {@code tether.v1}
     * endpoint, with the endpoint's path as {@code namespace}, and closes what it opened when it
     * stops. A factory for a shared store (one Redis client for the whole process, say) keeps the
     * namespaces apart and owns the connection; closing a namespace's store does not close it.
     */
    @FunctionalInterface
    interface Factory {
        SessionStore open(String namespace);
    }

    /**
     * Stores a new session (attached: no expiry deadline). Completes with false when a session
     * with that id exists; the caller draws another id.
     */
    CompletionStage<Boolean> create(SessionState session);

    /**
     * Resumes: if the session exists, is not expired, and {@code presentedToken} equals its current
     * or previous token, atomically makes {@code presentedToken} the previous token and
     * {@code newToken} the current one, clears its expiry deadline, raises its epoch by one, records
     * {@code owner}, and completes with the state after that step. Completes empty otherwise,
     * changing nothing. Tokens should be compared in a way that reveals nothing by its timing.
     */
    CompletionStage<Optional<SessionState>> claim(String id, byte[] presentedToken, byte[] newToken, String owner);

    /** The client showed it has the current token: the previous one is no longer accepted. Fenced. */
    CompletionStage<Void> confirmToken(String id, long epoch);

    /**
     * Adds messages the server sends, with consecutive sequence numbers following the last one
     * stored. The client must not see a message before this completes: a node that dies after
     * writing an unstored message would leave its number to another. Fenced.
     */
    CompletionStage<Void> append(String id, long epoch, List<StoredMessage> messages);

    /** The client acknowledged every message up to {@code upTo}: they are dropped. Fenced. */
    CompletionStage<Void> acknowledge(String id, long epoch, long upTo);

    /**
     * Records how far the client's messages went: handed to the application up to
     * {@code delivering}, handled up to {@code delivered}. Neither goes backwards. The server hands
     * a message over only once a record covering it in {@code delivering} completed, and
     * acknowledges only up to a {@code delivered} it recorded. Fenced.
     */
    CompletionStage<Void> recordInbound(String id, long epoch, long delivering, long delivered);

    /** The session's connection ended: it expires at {@code expiresAtMillis} unless claimed first. Fenced. */
    CompletionStage<Void> detach(String id, long epoch, long expiresAtMillis);

    /**
     * Removes up to {@code max} sessions whose deadline is at or before {@code nowMillis} and
     * returns their last state. Each expired session is returned to exactly one caller, across
     * all nodes, so the application hears of each expiry once.
     */
    CompletionStage<List<SessionState>> takeExpired(long nowMillis, int max);

    /**
     * Node {@code node} (the {@code owner} it names in {@link #create} and {@link #claim}) is alive
     * until {@code expiresAtMillis}: sets its lease end to that, later or earlier than before. A
     * node that never held a lease has its sessions left to {@link #detach} alone.
     */
    CompletionStage<Void> renewLease(String node, long expiresAtMillis);

    /**
     * Detaches the sessions of dead nodes: for each node whose lease ended before
     * {@code nowMillis}, every session it owns that has no deadline (still attached there) gets the
     * deadline {@code leaseEnd + ttl}, as if it had been detached when the lease ended; sessions
     * claimed by another node or detached meanwhile are left as they are. At most {@code max}
     * sessions per call; completes with how many got a deadline. A node whose lease ended and whose
     * sessions were all seen to is forgotten (a later {@link #renewLease} starts a new lease). Safe
     * to run on every node at once: a session's deadline is set once.
     */
    CompletionStage<Integer> orphan(long nowMillis, int max);

    /** The session's state, if it exists (any owner; no fencing). For tests, tools and routing. */
    CompletionStage<Optional<SessionState>> load(String id);

    /** Removes the session if {@code epoch} is still its epoch; completes with whether it did. */
    CompletionStage<Boolean> remove(String id, long epoch);

    /** Sessions stored, attached or not. May be approximate for a shared store. */
    CompletionStage<Long> count();

    /** Whether the state outlives this process (a shared store): then every resume is a claim. */
    boolean shared();

    /** Releases the store's connections; stages still pending fail. */
    @Override
    void close();
}
