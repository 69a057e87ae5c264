/**
 * Heartbeat policy without transport: when to ping, when the peer counts as dead, how to measure
 * round trips. Times are nanoseconds from the caller's ticker (on Netty, the event loop's
 * {@code ticker()}), so the same rules run on real sockets and in virtual-time tests.
 */
@NullMarked
package io.tether.core.heartbeat;

import org.jspecify.annotations.NullMarked;
