/**
 * Tether's client: {@link io.tether.client.TetherClient} configured by
 * {@link io.tether.client.ClientConfig}. Implementation classes live in {@code internal}.
 */
@NullMarked
package io.tether.client;

import org.jspecify.annotations.NullMarked;
