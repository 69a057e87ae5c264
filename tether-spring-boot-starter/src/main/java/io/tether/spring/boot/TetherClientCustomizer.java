package io.tether.spring.boot;

import io.tether.client.ClientConfig;

/**
 * Changes the client's configuration after the starter applied the {@code tether.client.*}
 * properties, before the {@code TetherClient} bean is created: for settings that have no property
 * (credentials, TLS trust, the outbox, a reconnect classifier). Beans of this type run in {@code @Order}.
 */
@FunctionalInterface
public interface TetherClientCustomizer {
    /** Called once, when the client bean is first needed. */
    void customize(ClientConfig.Builder builder);
}
