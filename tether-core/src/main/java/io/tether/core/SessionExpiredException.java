package io.tether.core;

import java.util.List;

/**
 * A {@code tether.v1} session could not be continued — it expired, the server restarted, the resume
 * token was refused — so the promise of exactly-once delivery ends here. {@link #unacknowledged()}
 * lists, in order, this side's messages the peer never acknowledged, each with what Tether did with
 * it ({@link UnacknowledgedMessage#fate()}):
 * <ul>
 *   <li>never written to any connection: certainly not received; a client carries them into its new
 *       session ({@code CARRIED_OVER}), a server whose session expired fails them with
 *       {@link NotDeliveredException};</li>
 *   <li>written but not acknowledged: <em>in doubt</em> — the peer may have received them and lost
 *       only the acknowledgement; failed with {@link InDoubtException} (default), or resent flagged
 *       as possible duplicates when the client's {@link io.tether.core.session.SessionConfig#inDoubt()}
 *       says so.</li>
 * </ul>
 * Received messages were all delivered; messages the peer sent that never arrived are lost with the
 * old session, which only the application can resync.
 */
public final class SessionExpiredException extends TetherException {
    private final transient List<UnacknowledgedMessage> unacknowledged;

    public SessionExpiredException(String reason, List<UnacknowledgedMessage> unacknowledged) {
        super("session reset: " + reason + " (" + unacknowledged.size() + " messages not acknowledged, "
                + unacknowledged.stream().filter(UnacknowledgedMessage::inDoubt).count() + " of them in doubt)");
        this.unacknowledged = List.copyOf(unacknowledged);
    }

    /** Every unacknowledged message of the ended session, in send order. */
    public List<UnacknowledgedMessage> unacknowledged() {
        return unacknowledged;
    }

    /** The messages whose send stages failed (in doubt or not delivered), in send order. */
    public List<UnacknowledgedMessage> failed() {
        return unacknowledged.stream().filter(m -> m.fate() == UnacknowledgedMessage.Fate.FAILED).toList();
    }

    /** The messages written but never acknowledged: the peer may or may not have them. */
    public List<UnacknowledgedMessage> inDoubt() {
        return unacknowledged.stream().filter(UnacknowledgedMessage::inDoubt).toList();
    }
}
