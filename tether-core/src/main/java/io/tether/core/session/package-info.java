/**
 * Configuration and counters of {@code tether.v1} sessions (exactly-once delivery across
 * reconnects). The engine lives in {@code io.tether.core.internal.session}.
 */
@NullMarked
package io.tether.core.session;

import org.jspecify.annotations.NullMarked;
