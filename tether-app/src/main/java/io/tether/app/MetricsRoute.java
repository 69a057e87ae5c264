package io.tether.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.core.HandshakeRequest;
import io.tether.server.HttpRoute;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code GET /metrics}: a Prometheus scrape of the server's meters (text exposition format 0.0.4). */
final class MetricsRoute implements HttpRoute {
    static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    MetricsRoute(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Answer answer(String method, HandshakeRequest request) {
        if (!method.equals("GET")) {
            return new Answer(405, "text/plain; charset=utf-8", "use GET\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("Allow", "GET"));
        }
        return new Answer(200, CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
