package io.tether.spring.boot;

import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the starter's {@link TetherServer} in Spring's lifecycle: it starts when the application
 * context has refreshed (a port already in use fails the refresh with
 * {@link io.tether.server.ServerStartException}) and stops, draining over
 * {@code tether.server.shutdown.drain-window}, when the context closes. It stops in the phase of
 * Spring Boot's graceful web-server shutdown, so that both drain together, before the beans the
 * server uses (the session store, the meter registry) are destroyed.
 */
public final class TetherServerLifecycle implements SmartLifecycle {
    /** Spring Boot's graceful shutdown phase ({@code WebServerGracefulShutdownLifecycle}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private static final Logger log = LoggerFactory.getLogger(TetherServerLifecycle.class);

    private final ServerConfig config;
    /** Set from start until the stop completes, so that health reports the drain as it happens. */
    private volatile @Nullable TetherServer server;
    private volatile boolean running;

    public TetherServerLifecycle(ServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public synchronized void start() {
        if (server == null) {
            TetherServer started = TetherServer.start(config);
            server = started;
            running = true;
            log.info("Tether serving on {}:{} (node {}), endpoints {}", config.host(), started.port(),
                    config.nodeId(), config.endpoints().stream().map(e -> e.path()).toList());
        }
    }

    /**
     * Drains and stops; {@code callback} runs (on a Netty thread) once every connection is closed
     * and the threads are freed, so that Spring waits for it up to
     * {@code spring.lifecycle.timeout-per-shutdown-phase}.
     */
    @Override
    public void stop(Runnable callback) {
        TetherServer stopping;
        synchronized (this) {
            stopping = running ? server : null;
            running = false;
        }
        if (stopping == null) {
            callback.run();
            return;
        }
        stopping.stop().whenComplete((v, e) -> {
            server = null;
            callback.run();
        });
    }

    @Override
    public void stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stop(() -> done.complete(null));
        done.join();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The server, from its start until its stop completed (so also while it drains); empty otherwise. */
    public Optional<TetherServer> server() {
        return Optional.ofNullable(server);
    }

    /**
     * The port the server listens on (the one picked, with {@code tether.server.port=0}).
     *
     * @throws IllegalStateException when the server is not running
     */
    public int port() {
        TetherServer running = server;
        if (running == null) {
            throw new IllegalStateException("the Tether server is not running (the context has not started it, or it stopped)");
        }
        return running.port();
    }

    /** The configuration the server runs (or will run) with. */
    public ServerConfig config() {
        return config;
    }
}
