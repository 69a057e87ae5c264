package io.tether.core.session;

/**
 * Counters of one session (both directions seen from this side).
 *
 * @param sent messages this side sent (numbered)
 * @param acknowledged of those, acknowledged by the peer
 * @param delivered messages received and handed to the application
 * @param duplicatesDropped received messages dropped because they had been delivered already
 * @param replayed messages this side sent again after a resume
 * @param attachments connections this session has run on (1 + resumes)
 */
public record SessionStats(long sent, long acknowledged, long delivered, long duplicatesDropped, long replayed,
        long attachments) {
}
