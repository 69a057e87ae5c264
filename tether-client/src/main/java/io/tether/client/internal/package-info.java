/** Client implementation: channel set-up and the opening handshake. Not API. */
@NullMarked
package io.tether.client.internal;

import org.jspecify.annotations.NullMarked;
