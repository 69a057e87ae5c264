package io.tether.server.store;

import java.util.Objects;

/**
 * A message the server sent in a session and the client has not acknowledged yet, as the store
 * keeps it. The payload array is the store's: callers must not change it.
 *
 * @param seq its sequence number in the session, from 1
 * @param binary binary (true) or text (false, UTF-8 payload)
 * @param possibleDuplicate whether it is flagged as a possible duplicate (resent after a reset)
 * @param payload the message bytes
 */
public record StoredMessage(long seq, boolean binary, boolean possibleDuplicate, byte[] payload) {
    public StoredMessage {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, was " + seq);
        }
        Objects.requireNonNull(payload, "payload");
    }
}
