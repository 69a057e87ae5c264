package io.tether.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.server.TetherServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code --admin-port}: {@code /metrics} (when metering), {@code /health/live} and
 * {@code /health/ready} on a port of their own, so scrapes and probes need not pass the public
 * listener (its TLS, origin checks, limits) and can be firewalled apart. The JDK's HTTP server on
 * one thread: a scrape or a probe is small and rare. Readiness is the main server's.
 */
final class AdminServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService thread;

    private AdminServer(HttpServer http, ExecutorService thread) {
        this.http = http;
        this.thread = thread;
    }

    /**
     * Listens on {@code host:port} (0 for any free port).
     *
     * @param server the main server, whose readiness {@code /health/ready} reports; null until it started
     * @throws IOException when the port cannot be bound
     */
    static AdminServer start(String host, int port, @Nullable PrometheusMeterRegistry registry,
            Supplier<@Nullable TetherServer> server) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
        if (registry != null) {
            http.createContext(MetricsRoute.PATH, exchange -> answer(exchange, 200, MetricsRoute.CONTENT_TYPE,
                    registry.scrape()));
        }
        http.createContext("/health/live", exchange -> answer(exchange, 200, "text/plain; charset=utf-8", "live\n"));
        http.createContext("/health/ready", exchange -> {
            TetherServer s = server.get();
            Optional<String> notReady = s == null ? Optional.of("starting") : s.notReady();
            answer(exchange, notReady.isPresent() ? 503 : 200, "text/plain; charset=utf-8",
                    notReady.orElse("ready") + "\n");
        });
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tether-admin");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(thread);
        http.start();
        return new AdminServer(http, thread);
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            // An exact path only: the JDK matches contexts by prefix.
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(exchange.getHttpContext().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** The port bound. */
    int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        thread.shutdownNow();
    }
}
