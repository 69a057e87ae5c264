/** Netty plumbing shared by client and server. No API: everything is internal. */
module io.tether.netty {
    requires transitive io.tether.core;
    requires transitive io.netty.buffer;
    requires transitive io.netty.codec;
    requires transitive io.netty.codec.http;
    requires io.netty.codec.compression;
    requires transitive io.netty.common;
    requires transitive io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires org.slf4j;
    requires micrometer.core;
    requires static transitive org.jspecify;

    exports io.tether.netty.internal to io.tether.server, io.tether.client;
}
