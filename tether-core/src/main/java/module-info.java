/**
 * Tether core (no Netty): the connection API, configuration records, exceptions. The engines are
 * in {@code io.tether.core.internal.*}, exported only to the Tether modules that run them.
 */
module io.tether.core {
    requires static transitive org.jspecify;

    exports io.tether.core;
    exports io.tether.core.heartbeat;
    exports io.tether.core.outbox;
    exports io.tether.core.reconnect;
    exports io.tether.core.session;

    exports io.tether.core.internal.heartbeat to io.tether.netty;
    exports io.tether.core.internal.log to io.tether.netty, io.tether.server, io.tether.client;
    exports io.tether.core.internal.outbox to io.tether.client;
    exports io.tether.core.internal.protocol to io.tether.server, io.tether.client;
    exports io.tether.core.internal.reconnect to io.tether.server, io.tether.client;
    exports io.tether.core.internal.session to io.tether.netty, io.tether.server, io.tether.client, io.tether.redis;
    exports io.tether.core.internal.transport to io.tether.netty, io.tether.server, io.tether.client;
}
