package io.tether.core;

import java.nio.charset.StandardCharsets;

/**
 * A message this side sent in a session that ended before the peer acknowledged it, as listed by
 * {@link io.tether.core.SessionExpiredException}.
 *
 * @param seq its sequence number in the ended session
 * @param binary whether it was sent as binary (else UTF-8 text)
 * @param payload its bytes
 * @param written whether it was ever written to a connection: if so it is <em>in doubt</em> (the
 *     peer may have received it and lost only the acknowledgement); if not, the peer certainly
 *     never had it
 * @param fate what Tether did with it
 */
public record UnacknowledgedMessage(long seq, boolean binary, byte[] payload, boolean written, Fate fate) {

    /** What became of an unacknowledged message when its session ended. */
    public enum Fate {
        /** Its send stage failed: {@link io.tether.core.InDoubtException} if written, else {@link io.tether.core.NotDeliveredException}. */
        FAILED,
        /** Never written: carried into the new session, ahead of later sends; its stage stays pending. */
        CARRIED_OVER,
        /** Written (in doubt) and sent again in the new session, flagged as a possible duplicate; its stage stays pending. */
        RESENT
    }

    /** Whether the peer may have received it (it was written to a connection). */
    public boolean inDoubt() {
        return written;
    }

    /** The payload as text (meaningful for text messages). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "UnacknowledgedMessage[" + seq + (binary ? " binary " + payload.length + " bytes" : " \"" + text() + "\"")
                + (written ? " in doubt" : " never sent") + " " + fate + "]";
    }
}
