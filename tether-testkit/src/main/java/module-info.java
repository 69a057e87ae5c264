/**
 * Test-only helpers: fault-injecting proxy, raw WebSocket peer, peer processes, recording listener, Netty leak check,
 * and real service processes (Redis, a Redis Cluster, nginx).
 */
module io.tether.testkit {
    requires transitive io.tether.core;
    requires io.netty.buffer;
    requires io.netty.common;
    requires jdk.management;
    requires org.junit.jupiter.api;
    requires static org.jspecify;

    exports io.tether.testkit;
    exports io.tether.testkit.leak;
    exports io.tether.testkit.services;

    // Auto-registered in every module's tests (junit.jupiter.extensions.autodetection.enabled).
    provides org.junit.jupiter.api.extension.Extension with io.tether.testkit.leak.NettyLeakExtension;
}
