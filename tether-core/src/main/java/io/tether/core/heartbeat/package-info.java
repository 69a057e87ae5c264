/**
 * Heartbeat configuration: when to ping, when the peer counts as dead (fixed timeout or phi
 * accrual), and the exception that reports a dead peer. The detectors live in
 * {@code io.tether.core.internal.heartbeat}.
 */
@NullMarked
package io.tether.core.heartbeat;

import org.jspecify.annotations.NullMarked;
