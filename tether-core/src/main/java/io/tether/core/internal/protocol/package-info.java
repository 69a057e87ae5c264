/**
 * The {@code tether.v1} subprotocol: frame types, their byte layout and the per-direction
 * sequencing (replay buffer, inbound window) that makes a session lose nothing and duplicate
 * nothing across reconnects. docs/protocol.md is the specification; this package implements it
 * without transport, so it can be property-tested.
 */
@NullMarked
package io.tether.core.internal.protocol;

import org.jspecify.annotations.NullMarked;
