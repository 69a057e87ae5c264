/**
 * Tether's server: {@link io.tether.server.TetherServer} configured by
 * {@link io.tether.server.ServerConfig}. Implementation classes live in {@code internal}.
 */
@NullMarked
package io.tether.server;

import org.jspecify.annotations.NullMarked;
