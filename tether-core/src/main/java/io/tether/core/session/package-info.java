/**
 * Sessions of the {@code tether.v1} subprotocol: the per-session engine that numbers, replays,
 * acknowledges and deduplicates messages on top of any {@link io.tether.core.WebSocketConnection},
 * plus its configuration and the exceptions of a session that could not be kept. Time goes
 * through {@link io.tether.core.session.Scheduler}, so all of it runs in virtual time in tests.
 */
@NullMarked
package io.tether.core.session;

import org.jspecify.annotations.NullMarked;
