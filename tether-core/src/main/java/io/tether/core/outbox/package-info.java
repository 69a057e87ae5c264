/**
 * Configuration of the bounded outbox that holds messages sent while a socket is not open.
 */
@NullMarked
package io.tether.core.outbox;

import org.jspecify.annotations.NullMarked;
