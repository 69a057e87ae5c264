/**
 * Internal: the liveness tracker, the phi accrual detector and the RTT estimator behind
 * {@link io.tether.core.heartbeat.HeartbeatConfig}. Times are nanoseconds from the caller's ticker.
 * Not API: exported only to the Tether modules that run heartbeats.
 */
@NullMarked
package io.tether.core.internal.heartbeat;

import org.jspecify.annotations.NullMarked;
