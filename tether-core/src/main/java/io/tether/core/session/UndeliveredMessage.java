package io.tether.core.session;

import java.nio.charset.StandardCharsets;

/**
 * A message this side sent that the peer never acknowledged, handed back when the session ends.
 *
 * @param seq its sequence number in the lost session
 * @param binary whether it was sent as binary (else UTF-8 text)
 * @param payload its bytes
 */
public record UndeliveredMessage(long seq, boolean binary, byte[] payload) {
    /** The payload as text (meaningful for text messages). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "UndeliveredMessage[" + seq + (binary ? " binary " + payload.length + " bytes" : " \"" + text() + "\"") + "]";
    }
}
