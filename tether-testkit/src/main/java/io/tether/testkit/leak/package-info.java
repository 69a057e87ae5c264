/** Makes Netty's buffer leak reports fail the tests that cause them. */
@NullMarked
package io.tether.testkit.leak;

import org.jspecify.annotations.NullMarked;
