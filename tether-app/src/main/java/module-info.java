/** The {@code tether} command (serve, connect) and the chat demo. Exports nothing. */
module io.tether.app {
    requires io.tether.client;
    requires io.tether.server;
    requires io.tether.redis;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires micrometer.registry.prometheus;
    requires jdk.httpserver;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires org.slf4j;
    requires static org.jspecify;

    // picocli fills @Option/@Parameters fields and calls the commands reflectively
    opens io.tether.app to info.picocli;
}
