/**
 * Tether in Spring Boot: a {@link io.tether.server.TetherServer} started from {@code tether.server.*}
 * properties in Spring's lifecycle ({@link io.tether.spring.boot.TetherServerLifecycle}), endpoints
 * as beans ({@link io.tether.spring.boot.TetherEndpoint}), the session store {@code tether.store}
 * names, Micrometer's registry and an Actuator health contributor from the context, and a
 * {@link io.tether.client.TetherClient} bean from {@code tether.client.*}.
 */
@NullMarked
package io.tether.spring.boot;

import org.jspecify.annotations.NullMarked;
