/**
 * The Redis session store's implementation: key layout, Lua scripts, reply decoding, error mapping
 * and the shared Lettuce connection. Not exported.
 */
@NullMarked
package io.tether.redis.internal;

import org.jspecify.annotations.NullMarked;
