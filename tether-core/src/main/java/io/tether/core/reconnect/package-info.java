/**
 * Reconnection policy without transport: backoff formulas, the rules for what is worth retrying and
 * how to read a server's retry-after hint. Pure functions of their inputs; time and randomness
 * are passed in.
 */
@NullMarked
package io.tether.core.reconnect;

import org.jspecify.annotations.NullMarked;
