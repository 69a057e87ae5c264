/**
 * Internal: the bounded queue of messages sent while a socket is not open, configured by
 * {@link io.tether.core.outbox.OutboxConfig}. Not API: exported only to {@code io.tether.client}.
 */
@NullMarked
package io.tether.core.internal.outbox;

import org.jspecify.annotations.NullMarked;
