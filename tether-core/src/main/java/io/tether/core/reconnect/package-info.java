/**
 * Reconnection policy without transport: backoff formulas, the per-outage delay sequence, the
 * rules for what is worth retrying, and a token bucket for admission control. Pure functions of
 * their inputs; time and randomness are passed in.
 */
@NullMarked
package io.tether.core.reconnect;

import org.jspecify.annotations.NullMarked;
