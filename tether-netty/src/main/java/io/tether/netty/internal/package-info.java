/**
 * Netty plumbing shared by the client and the server: the heartbeat handler, the per-connection
 * handler that implements {@link io.tether.core.WebSocketConnection}, the frame pipeline installed
 * after the opening handshake, and transport selection. Not a public API: applications use
 * {@code io.tether.client} and {@code io.tether.server}.
 */
@NullMarked
package io.tether.netty.internal;

import org.jspecify.annotations.NullMarked;
