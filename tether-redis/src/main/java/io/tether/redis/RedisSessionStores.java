package io.tether.redis;

import io.lettuce.core.RedisURI;
import io.tether.redis.internal.RedisLink;
import io.tether.redis.internal.RedisRoomBus;
import io.tether.redis.internal.RedisSessionStore;
import io.tether.server.rooms.RoomBus;
import io.tether.redis.internal.Uris;
import io.tether.server.store.SessionStore;
import java.util.List;
import java.util.Objects;

/**
 * Session stores on Redis, one per endpoint namespace, all over one shared connection: to one Redis
 * server ({@code redis://host:port}) or to a Redis Cluster ({@code redis://h1:p1,h2:p2,...}, or one
 * seed host with {@link RedisStoreConfig#cluster()}). Make one per process, hand it to the server as
 * its {@link SessionStore.Factory}, close it when the server has stopped.
 *
 * <p><b>Never blocks</b> except in {@link #close()}: {@link #connect} returns at once and opens the
 * connection in the background (an operation issued meanwhile waits for it; if Redis cannot be
 * reached, operations fail and the next one tries again). Every operation is asynchronous and
 * pipelined on the one connection; its stage completes on one of Lettuce's I/O threads — don't
 * block in a callback, move slow work to an executor of your own.
 *
 * <p><b>Failures.</b> A command not answered within {@link RedisStoreConfig#commandTimeout()}, a
 * lost connection or an error raised by Redis (OOM, READONLY, CLUSTERDOWN, ...) fails the stage with
 * {@link io.tether.server.store.StoreUnavailableException}. Commands are sent at most once: while
 * the connection is down they are refused at once, and those in flight when it broke fail instead
 * of being sent again after the reconnect, which Lettuce makes by itself (waits doubling from 10 ms
 * to {@link RedisStoreConfig#maxReconnectDelay()}). As with any remote store, a write that failed
 * this way may still have been applied by Redis. A write fenced off fails with
 * {@link io.tether.server.store.SessionMovedException}; an append with a gap or an ack beyond the
 * last seq with {@link IllegalArgumentException}.
 *
 * <p><b>Ordering.</b> Operations go out on the one connection in the order they are issued, also
 * those issued while it is still opening, and each session's commands reach one Redis node, so
 * writes to a session issued by one thread are applied in that order. The scripts are loaded into
 * every node when the connection opens; a node that lost them (restarted with its data, a node
 * added later, SCRIPT FLUSH) answers NOSCRIPT, and the operation is sent again with EVAL — then
 * only, it may be applied after a later operation that used a script the node still had.
 *
 * <p><b>Commands per operation</b> (each a round trip; scripts by EVALSHA): {@code claim},
 * {@code confirmToken}, {@code append},
 * {@code acknowledge}, {@code recordInbound}, {@code load}: 1 script. {@code create}: an SADD into
 * the owner's set issued with 1 script, then INCR of the namespace's counter if created.
 * {@code claim}: the same SADD with 1 script, then SREM from the previous owner's set if another
 * node held it. {@code detach}: 1 script, then ZADD into the expiry
 * index. {@code remove}: 1 script, then DECR, ZREM and SREM if removed. {@code count}: 1 GET.
 * {@code takeExpired}: 16 ZRANGEBYSCORE (one per index bucket), then per candidate 1 script and
 * either a ZREM, DECR and SREM (taken) or one index script (entry stale). {@code renewLease}: 1
 * ZADD. {@code orphan}: 1 ZRANGEBYSCORE of the leases; per dead node 1 SRANDMEMBER, then per
 * candidate 1 script, a ZADD into the expiry index and an SREM, or for a node with none left one
 * script that forgets it.
 *
 * <p><b>Data layout</b> (prefix {@code tether}, namespace {@code /chat}): the session's hash
 * {@code tether:{/chat:<id>}:s} and its list of unacknowledged outbound messages
 * {@code tether:{/chat:<id>}:out} share one hash tag, so one cluster slot, and every operation on a
 * session is one atomic script on that slot that checks the epoch (fencing) and makes the change.
 * The hash keeps SHA-256 digests of the token and the previous token, never the tokens: a reader of
 * Redis cannot resume anyone's session. So {@link SessionStore#load} and
 * {@link SessionStore#takeExpired} return states whose {@code token} and {@code previousToken} are
 * those digests; {@link SessionStore#claim} returns the tokens it was given. A message is one list
 * element, a flags byte and the payload; its seq follows from its place. Expiry: {@code detach}
 * writes the deadline into the hash, then the id into one of 16 index buckets (sorted sets
 * {@code tether:{/chat:exp:<k>}}, score = deadline); {@code takeExpired} reads candidates from the
 * buckets and lets a script on each session's own slot decide, atomically with the delete, whether
 * the deadline is still due, so each expired session is returned once across all nodes while stale
 * index entries (claimed or re-detached sessions) are merely corrected. Detached keys also expire in
 * Redis a {@link RedisStoreConfig#expiryGrace()} after the deadline, as a backstop.
 *
 * <p><b>Leases</b> ({@link SessionStore#renewLease}, {@link SessionStore#orphan}): a sorted set
 * {@code tether:{/chat}:leases} (member node, score lease end) and per node a set
 * {@code tether:{/chat}:own:<node>} of the ids it created or claimed, noted before the script that
 * makes it the owner, dropped after a claim elsewhere, a remove or an expiry. Entries may be stale;
 * {@code orphan} reads a dead node's set and lets a script on each session's slot decide whether
 * that node still owns it without a deadline, then indexes the deadline it set and drops the entry;
 * a dead node whose set is empty is forgotten. All of a namespace's leases and sets share the
 * namespace's slot, as its counter does.
 *
 * <p><b>{@code count()} is approximate</b>: it reads a per-namespace counter
 * ({@code tether:{/chat}:n}) raised after a create and lowered after a remove or an expiry, each by
 * a separate command. It is exact while every node completes what it starts; it is off by one for
 * each node that died (or counter command that failed, which is logged) between a session's change
 * and the counter's, and sessions that Redis dropped as the backstop are never subtracted. It never
 * reads below 0.
 *
 * <p>Thread-safe. Arguments must not be null.
 */
public final class RedisSessionStores implements SessionStore.Factory, AutoCloseable {
    private final RedisStoreConfig config;
    private final RedisLink link;
    private final boolean cluster;

    private RedisSessionStores(RedisStoreConfig config, RedisLink link, boolean cluster) {
        this.config = config;
        this.link = link;
        this.cluster = cluster;
    }

    /** {@link #connect(String, RedisStoreConfig)} with {@link RedisStoreConfig#DEFAULT}. */
    public static RedisSessionStores connect(String uri) {
        return connect(uri, RedisStoreConfig.DEFAULT);
    }

    /**
     * Starts connecting to Redis at {@code uri} and returns at once (see the class comment).
     *
     * @param uri {@code redis://host:port} for one server, {@code redis://h1:p1,h2:p2,...} for
     *     Redis Cluster seed nodes; {@code rediss://} for TLS; user info ({@code redis://:password@...}),
     *     database and query parameters apply to every host
     * @throws IllegalArgumentException when {@code uri} cannot be read
     */
    public static RedisSessionStores connect(String uri, RedisStoreConfig config) {
        Objects.requireNonNull(config, "config");
        List<RedisURI> hosts = Uris.hosts(uri);
        boolean cluster = config.cluster() || hosts.size() > 1;
        RedisLink link = cluster
                ? RedisLink.cluster(hosts, config.commandTimeout(), config.maxReconnectDelay())
                : RedisLink.standalone(hosts.get(0), config.commandTimeout(), config.maxReconnectDelay());
        return new RedisSessionStores(config, link, cluster);
    }

    /**
     * The store of {@code namespace}'s sessions (any string; endpoints use their path), a view over
     * the shared connection: cheap, {@link SessionStore#shared() shared}, and closing it only makes
     * it refuse further operations. Namespaces never see each other's sessions.
     */
    @Override
    public SessionStore open(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        return new RedisSessionStore(link, config.keyPrefix(), namespace, config.expiryGrace());
    }

    /**
     * Rooms on the same connection ({@link io.tether.server.rooms.Rooms} of every node share them):
     * a room's members, cursors, presence and its last {@value #ROOM_LOG_SIZE} messages (a Redis
     * stream) on the room's slot, each change one script that also publishes, on the namespace's
     * pub/sub channel, what the other nodes must hear. Each bus opened subscribes on a pub/sub
     * connection of its own; a message published while a node is not subscribed is read from the
     * log by that node's next refresh.
     */
    public RoomBus.Factory rooms() {
        return (namespace, listener) -> new RedisRoomBus(link, config.keyPrefix(), namespace, ROOM_LOG_SIZE, listener);
    }

    /** Messages each room keeps in Redis (approximately: trimmed by whole stream nodes). */
    public static final int ROOM_LOG_SIZE = 1000;

    /** The settings it was made with. */
    public RedisStoreConfig config() {
        return config;
    }

    /** Whether it talks to a Redis Cluster. */
    public boolean cluster() {
        return cluster;
    }

    /**
     * Closes the connection and releases Lettuce's threads, waiting (blocking) up to about twice the
     * command timeout. Operations still pending fail, later ones fail at once, with
     * {@link io.tether.server.store.StoreUnavailableException}. Idempotent.
     */
    @Override
    public void close() {
        link.close();
    }
}
