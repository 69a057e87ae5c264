package io.tether.server.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one session's state in a {@link SessionStore}.
 *
 * <p>Positions, per direction: the server sent up to {@code outboundLastSeq} and the client
 * acknowledged up to {@code outboundAcked}; {@code outbound} holds the messages in between, in
 * sequence order. From the client, the server handed messages up to {@code inboundDelivering} to
 * the application and knows those up to {@code inboundDelivered} were handled (their listener call
 * returned); only that far may it acknowledge. A message in between may have reached the
 * application on a node that died: a node taking the session over delivers it again, flagged.
 *
 * @param id the session id
 * @param token the client's current token
 * @param previousToken the token the client resumed with last, still accepted until it shows it has
 *     the new one; null when none
 * @param epoch ownership counter: 1 at creation, raised by every {@link SessionStore#claim}; a write
 *     with an older epoch fails with {@link SessionMovedException}
 * @param owner the node id that claimed it last
 * @param ttl how long the session is kept once detached
 * @param outboundLastSeq last sequence number the server sent (0: none)
 * @param outboundAcked what the client acknowledged (≤ {@code outboundLastSeq})
 * @param outbound the unacknowledged messages, {@code outboundAcked + 1 .. outboundLastSeq}
 * @param inboundDelivering the client's messages handed to the application, up to this seq
 * @param inboundDelivered the client's messages known handled, up to this seq (≤ delivering)
 */
public record SessionState(
        String id,
        byte[] token,
        byte @Nullable [] previousToken,
        long epoch,
        String owner,
        Duration ttl,
        long outboundLastSeq,
        long outboundAcked,
        List<StoredMessage> outbound,
        long inboundDelivering,
        long inboundDelivered) {

    public SessionState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ttl, "ttl");
        outbound = List.copyOf(outbound);
        if (outboundAcked > outboundLastSeq || outboundAcked < 0) {
            throw new IllegalArgumentException("acked " + outboundAcked + " outside 0.." + outboundLastSeq);
        }
        if (inboundDelivered > inboundDelivering || inboundDelivered < 0) {
            throw new IllegalArgumentException("delivered " + inboundDelivered + " outside 0.." + inboundDelivering);
        }
    }

    /** A new session, owned by {@code owner} at epoch 1, nothing sent or received. */
    public static SessionState created(String id, byte[] token, String owner, Duration ttl) {
        return new SessionState(id, token, null, 1, owner, ttl, 0, 0, List.of(), 0, 0);
    }
}
