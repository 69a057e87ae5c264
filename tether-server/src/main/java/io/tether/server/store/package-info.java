/**
 * Where {@code tether.v1} sessions live (SPI): {@link io.tether.server.store.SessionStore}, the
 * state it keeps ({@link io.tether.server.store.SessionState}), and the in-memory implementation.
 * A session's <em>state</em> — ids, tokens, both directions' positions and the unacknowledged
 * messages it sent — is in the store; its <em>attachment</em> — the live connection and its timers
 * — is on the node that holds the connection. docs/protocol.md ("Session store") has the rules.
 */
@NullMarked
package io.tether.server.store;

import org.jspecify.annotations.NullMarked;
