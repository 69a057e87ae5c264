/** Tether server: {@code TetherServer}, its configuration, sessions and rooms. */
module io.tether.server {
    requires transitive io.tether.core;
    requires io.tether.netty;
    requires io.netty.buffer;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires org.slf4j;
    requires com.nimbusds.jose.jwt;
    requires transitive micrometer.core;
    requires static transitive org.jspecify;

    exports io.tether.server;
    exports io.tether.server.auth;
    exports io.tether.server.rooms;
    exports io.tether.server.store;
    exports io.tether.server.demo to io.tether.app;
}
