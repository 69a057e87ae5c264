package io.tether.core.session;

/**
 * How a {@code tether.v1} message arrived.
 *
 * @param seq its sequence number in the session (the sender's numbering, from 1); with the session
 *     id it identifies the message
 * @param possibleDuplicate the sender resent it after a session reset because an earlier copy's
 *     fate was unknown: the application may already have received it (in the old session) and
 *     should treat it idempotently
 */
public record Delivery(long seq, boolean possibleDuplicate) {
}
