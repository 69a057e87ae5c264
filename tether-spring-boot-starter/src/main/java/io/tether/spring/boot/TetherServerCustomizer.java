package io.tether.spring.boot;

import io.tether.server.ServerConfig;

/**
 * Changes the server's configuration after the starter applied the {@code tether.server.*}
 * properties and the beans it found, before the server starts: for settings that have no property
 * (TLS, compression, HTTP routes, a handshake gate). Beans of this type run in {@code @Order}.
 */
@FunctionalInterface
public interface TetherServerCustomizer {
    /** Called once, on the thread that refreshes the application context. */
    void customize(ServerConfig.Builder builder);
}
