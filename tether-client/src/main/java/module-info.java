/** Tether client: {@code TetherClient}, its configuration and the reconnecting {@code TetherSocket}. */
module io.tether.client {
    requires transitive io.tether.core;
    requires io.tether.netty;
    requires io.netty.buffer;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires org.slf4j;
    requires transitive micrometer.core;
    requires static transitive org.jspecify;

    exports io.tether.client;
}
