package io.tether.redis.internal;

import io.tether.server.store.SessionState;
import io.tether.server.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Values as the scripts keep them. A message is one list element: a flags byte (bit 0 binary, bit 1
 * possible duplicate) and the payload; its seq is implied by its place (acked + 1 + index). Numbers
 * are decimal ASCII. Tokens are kept as their SHA-256 only.
 */
final class StateCodec {
    private static final int BINARY = 1;
    private static final int POSSIBLE_DUPLICATE = 2;
    /** Fields before the messages in a state reply: th ph ep ow tl ls ak dg dd. */
    static final int FIELDS = 9;

    private StateCodec() {
    }

    static byte[] message(StoredMessage m) {
        byte[] payload = m.payload();
        byte[] element = new byte[payload.length + 1];
        element[0] = (byte) ((m.binary() ? BINARY : 0) | (m.possibleDuplicate() ? POSSIBLE_DUPLICATE : 0));
        System.arraycopy(payload, 0, element, 1, payload.length);
        return element;
    }

    static StoredMessage message(long seq, byte[] element) {
        return new StoredMessage(seq, (element[0] & BINARY) != 0, (element[0] & POSSIBLE_DUPLICATE) != 0,
                Arrays.copyOfRange(element, 1, element.length));
    }

    static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sha256(byte[] token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * The state in {@code reply} from index {@code from} on (th ph ep ow tl ls ak dg dd, then the
     * messages), its token fields being the stored digests.
     */
    static SessionState state(String id, List<?> reply, int from) {
        byte[] th = bytes(reply.get(from));
        byte @Nullable [] ph = (byte[]) reply.get(from + 1);
        long acked = number(reply.get(from + 6));
        List<StoredMessage> outbound = new ArrayList<>(reply.size() - from - FIELDS);
        for (int i = from + FIELDS; i < reply.size(); i++) {
            outbound.add(message(acked + 1 + (i - from - FIELDS), bytes(reply.get(i))));
        }
        return new SessionState(id, th, ph, number(reply.get(from + 2)),
                new String(bytes(reply.get(from + 3)), StandardCharsets.UTF_8),
                Duration.ofMillis(number(reply.get(from + 4))), number(reply.get(from + 5)), acked, outbound,
                number(reply.get(from + 7)), number(reply.get(from + 8)));
    }

    /** {@code s} with the tokens the caller gave in place of the stored digests. */
    static SessionState withTokens(SessionState s, byte[] token, byte @Nullable [] previousToken) {
        return new SessionState(s.id(), token, previousToken, s.epoch(), s.owner(), s.ttl(), s.outboundLastSeq(),
                s.outboundAcked(), s.outbound(), s.inboundDelivering(), s.inboundDelivered());
    }

    static long number(@Nullable Object value) {
        if (value instanceof Long l) {
            return l;
        }
        return Long.parseLong(new String(bytes(value), StandardCharsets.US_ASCII));
    }

    static byte[] bytes(@Nullable Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        throw new IllegalStateException("unexpected reply element from Redis: " + value);
    }
}
