/** The {@code tether} command line: {@code serve} and {@code connect}. */
@NullMarked
package io.tether.app;

import org.jspecify.annotations.NullMarked;
