/** The bounded queue of messages sent while a connection is not open. */
@NullMarked
package io.tether.core.outbox;

import org.jspecify.annotations.NullMarked;
