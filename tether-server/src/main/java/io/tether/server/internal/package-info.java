/** Server implementation: handshake gate, pipeline set-up, connection registry. Not API. */
@NullMarked
package io.tether.server.internal;

import org.jspecify.annotations.NullMarked;
