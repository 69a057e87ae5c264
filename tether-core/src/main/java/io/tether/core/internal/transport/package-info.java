/**
 * Internal transport SPI: what the session layer needs from a connection beyond the user-facing
 * {@link io.tether.core.WebSocketConnection} (writes without a completion stage, the liveness
 * grace, reads of a message as a view of transport memory). Implemented by tether-netty.
 * Not API: exported only to the Tether modules.
 */
@NullMarked
package io.tether.core.internal.transport;

import org.jspecify.annotations.NullMarked;
