/**
 * Internal: the {@code tether.v1} session engine, which numbers, replays, acknowledges and
 * deduplicates messages on top of a {@link io.tether.core.internal.transport.TransportConnection},
 * and the {@link io.tether.core.internal.session.Scheduler} it runs on (virtual time in tests).
 * Not API: exported only to the Tether modules.
 */
@NullMarked
package io.tether.core.internal.session;

import org.jspecify.annotations.NullMarked;
