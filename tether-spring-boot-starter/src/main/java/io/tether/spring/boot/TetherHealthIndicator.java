package io.tether.spring.boot;

import io.tether.server.ServerStats;
import io.tether.server.TetherServer;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code tether} health contributor: UP while the server runs and is ready for new clients;
 * OUT_OF_SERVICE while it drains (shutdown began); DOWN when it is not running or its shared
 * session store could not be reached at the last lease renewal. The same rule as the server's own
 * {@code /health/ready}. Add it to the readiness group
 * ({@code management.endpoint.health.group.readiness.include=readinessState,tether}) so that a load
 * balancer stops sending clients to a node that cannot resume their sessions.
 */
public final class TetherHealthIndicator implements HealthIndicator {
    private final TetherServerLifecycle lifecycle;

    public TetherHealthIndicator(TetherServerLifecycle lifecycle) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    }

    @Override
    public Health health() {
        Optional<TetherServer> running = lifecycle.server();
        if (running.isEmpty()) {
            return Health.down().withDetail("reason", "not running").build();
        }
        TetherServer server = running.get();
        ServerStats stats = server.stats();
        Optional<String> notReady = server.notReady();
        Health.Builder health = notReady.isEmpty() ? Health.up()
                : server.draining() ? Health.outOfService() : Health.down();
        notReady.ifPresent(reason -> health.withDetail("reason", reason));
        return health.withDetail("port", server.port())
                .withDetail("node", server.config().nodeId())
                .withDetail("connections", stats.openConnections())
                .withDetail("sessions", stats.sessionsHeld())
                .build();
    }
}
