package io.tether.core;

import io.tether.core.session.UndeliveredMessage;
import java.util.List;

/**
 * A {@code tether.v1} session could not be continued — it expired, the server restarted, the resume
 * token was refused — so the promise of exactly-once delivery ends here. {@link #undelivered()}
 * lists, in order, this side's messages the peer never acknowledged; the application must decide
 * what to resend. Received messages were all delivered; there may be messages the peer sent that
 * never arrived, which only the application can resync.
 */
public final class SessionExpiredException extends TetherException {
    private final transient List<UndeliveredMessage> undelivered;

    public SessionExpiredException(String reason, List<UndeliveredMessage> undelivered) {
        super("session reset: " + reason + " (" + undelivered.size() + " messages not acknowledged)");
        this.undelivered = List.copyOf(undelivered);
    }

    public List<UndeliveredMessage> undelivered() {
        return undelivered;
    }
}
