package io.tether.redis.internal;

import java.nio.charset.StandardCharsets;

/**
 * The key layout of one namespace. Every key of a session carries the hash tag
 * {@code {<namespace>:<id>}}, so all of them are in one Redis Cluster slot and one script may touch
 * them all; the expiry index is split into {@link #BUCKETS} sorted sets with tags of their own, and
 * the session counter, the leases and the owners' sets have the namespace's tag (one slot, so one
 * script may look at a lease and its node's set). Namespace and id are escaped ({@code % : { }} as
 * {@code %25 %3A %7B %7D}) so that no two (namespace, id) pairs share a key and no id can end a tag.
 *
 * <pre>
 * prefix:{ns:id}:s       HASH  the session's fields (see session.lua)
 * prefix:{ns:id}:out     LIST  its unacknowledged outbound messages, seq acked+1 first
 * prefix:{ns:exp:k}      ZSET  expiry index bucket k (0..15): member id, score deadline ms
 * prefix:{ns}:n          STRING sessions created minus sessions removed (for count())
 * prefix:{ns}:leases     ZSET  node leases: member node, score lease end ms
 * prefix:{ns}:own:node   SET   ids of the sessions the node created or claimed (may be stale)
 * prefix:{ns:r:room}:meta|log|m|c|p   a room: incarnation and last seq (HASH), its log (STREAM),
 *                        members' info, cursors, presence (HASHes); see room.lua
 * prefix:{ns:rs:id}:rooms SET   the rooms session id is in; prefix:{ns:rs:id}:info STRING its description
 * prefix:{ns:rn}:nodes   ZSET  rooms' node heartbeats: member node, score alive until ms
 * prefix:ns:rooms        channel of room messages and member changes (not a key)
 * </pre>
 */
public final class Keys {
    /** Expiry index buckets per namespace; part of the data layout, the same on every node. */
    public static final int BUCKETS = 16;

    private final String base;

    public Keys(String prefix, String namespace) {
        this.base = prefix + ":{" + escape(namespace);
    }

    /** The session's hash. */
    public byte[] session(String id) {
        return bytes(base + ":" + escape(id) + "}:s");
    }

    /** The session's list of unacknowledged outbound messages. */
    public byte[] outbound(String id) {
        return bytes(base + ":" + escape(id) + "}:out");
    }

    /** The index bucket that holds {@code id}'s deadline. */
    public byte[] bucketOf(String id) {
        return bucket(Math.floorMod(id.hashCode(), BUCKETS));
    }

    /** Index bucket {@code k}, 0 ≤ k < {@link #BUCKETS}. */
    public byte[] bucket(int k) {
        return bytes(base + ":exp:" + k + "}");
    }

    /** The namespace's session counter. */
    public byte[] counter() {
        return bytes(base + "}:n");
    }

    /** The namespace's node leases. */
    public byte[] leases() {
        return bytes(base + "}:leases");
    }

    /** The set of ids of the sessions {@code node} created or claimed. */
    public byte[] owned(String node) {
        return bytes(base + "}:own:" + escape(node));
    }

    /** A room's five keys, in room.lua's order: meta, log, members, cursors, presence. */
    public byte[][] room(String room) {
        String tag = base + ":r:" + escape(room) + "}:";
        return new byte[][] {bytes(tag + "meta"), bytes(tag + "log"), bytes(tag + "m"), bytes(tag + "c"), bytes(tag + "p")};
    }

    /** The set of rooms a session is in. */
    public byte[] roomsOf(String id) {
        return bytes(base + ":rs:" + escape(id) + "}:rooms");
    }

    /** A session's description (its rooms' info). */
    public byte[] description(String id) {
        return bytes(base + ":rs:" + escape(id) + "}:info");
    }

    /** The rooms' node heartbeats. */
    public byte[] roomNodes() {
        return bytes(base + ":rn}:nodes");
    }

    /** The channel of the namespace's room messages. */
    public byte[] roomChannel() {
        return bytes(base.replace("{", "") + ":rooms");
    }

    static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String e = switch (c) {
                case '%' -> "%25";
                case ':' -> "%3A";
                case '{' -> "%7B";
                case '}' -> "%7D";
                default -> null;
            };
            if (e != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (e != null) {
                    b.append(e);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
