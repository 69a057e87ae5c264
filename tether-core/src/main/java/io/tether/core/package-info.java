/**
 * Tether's core: the connection API shared by client and server, configuration values and the
 * pure (Netty-free) logic that decides when a peer is dead. Nothing here reads a clock: time is
 * always passed in as nanoseconds from the caller's ticker, so every rule can be tested in virtual
 * time.
 */
@NullMarked
package io.tether.core;

import org.jspecify.annotations.NullMarked;
