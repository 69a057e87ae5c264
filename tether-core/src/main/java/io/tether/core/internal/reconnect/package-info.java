/**
 * Internal: the per-outage delay sequence of a {@link io.tether.core.reconnect.ReconnectPolicy} and
 * the token bucket of the server's admission control. Not API: exported only to client and server.
 */
@NullMarked
package io.tether.core.internal.reconnect;

import org.jspecify.annotations.NullMarked;
