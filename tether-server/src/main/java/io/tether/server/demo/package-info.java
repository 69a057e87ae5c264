/**
 * Ready-made listeners for demos, tests and benchmarks ({@code tether serve}, tether-bench): echo
 * a connection's or a session's messages back. Not API: exported only to {@code io.tether.app}.
 */
@NullMarked
package io.tether.server.demo;

import org.jspecify.annotations.NullMarked;
