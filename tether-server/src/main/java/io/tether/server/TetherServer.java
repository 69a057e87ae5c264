package io.tether.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tether.core.CloseCodes;
import io.tether.core.reconnect.RetryAfter;
import io.tether.netty.internal.Transports;
import io.tether.netty.internal.WebSocketConnectionHandler;
import io.tether.server.internal.ConnectionRegistry;
import io.tether.server.internal.ServerChannelInitializer;
import io.tether.server.internal.ServerMetrics;
import io.tether.server.internal.ServerTls;
import io.tether.server.internal.SessionManager;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tether WebSocket server. {@link #start} binds and returns once the server accepts
 * connections; {@link #stop} shuts it down gracefully. Thread-safe.
 */
public final class TetherServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TetherServer.class);

    private final ServerConfig config;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ChannelGroup allChannels;
    private final ConnectionRegistry registry;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private boolean stopping;

    private final Map<String, SessionManager> sessionManagers;
    private final @Nullable ServerTls tls;
    private final io.netty.util.concurrent.@Nullable ScheduledFuture<?> tlsWatch;
    /** How long after its deadline a session of a node that died is expired by another node. */
    private static final Duration SWEEP_GRACE = Duration.ofSeconds(2);
    /** How often every node sweeps for sessions of dead nodes (each endpoint with a shared store). */
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(1);

    private TetherServer(ServerConfig config, EventLoopGroup group, Channel serverChannel, ChannelGroup allChannels,
            ConnectionRegistry registry, Map<String, SessionManager> sessionManagers, @Nullable ServerTls tls) {
        this.sessionManagers = sessionManagers;
        this.tls = tls;
        TlsConfig pem = tls == null ? null : tls.pemConfig();
        // File checks are blocking I/O: on Netty's global executor, not on an event loop.
        this.tlsWatch = pem == null || pem.reloadCheck().isZero() ? null
                : GlobalEventExecutor.INSTANCE.scheduleWithFixedDelay(tls::reloadIfChanged,
                        pem.reloadCheck().toMillis(), pem.reloadCheck().toMillis(), TimeUnit.MILLISECONDS);
        this.config = config;
        this.group = group;
        this.serverChannel = serverChannel;
        this.allChannels = allChannels;
        this.registry = registry;
    }

    /**
     * Binds {@code config.host():config.port()} and starts serving; blocks until bound.
     *
     * @throws ServerStartException when the address cannot be bound, with the address in the message
     */
    public static TetherServer start(ServerConfig config) {
        Objects.requireNonNull(config, "config");
        Transports transport = Transports.best();
        EventLoopGroup group = transport.newGroup(config.ioThreads(), "tether-server");
        ChannelGroup allChannels = new DefaultChannelGroup("tether-server", GlobalEventExecutor.INSTANCE);
        ConnectionRegistry registry = new ConnectionRegistry();
        Map<String, SessionManager> sessionManagers = new HashMap<>();
        // The owner this process names in the stores: the node id and this run, so that a node
        // restarted with its id does not renew the lease of the sessions its previous run held.
        String owner = config.nodeId() + "#" + String.format("%08x", new java.security.SecureRandom().nextInt());
        long renewEvery = Math.max(1, config.nodeLease().toMillis() / ServerConfig.NODE_LEASE_RENEWALS);
        ServerMetrics metrics = ServerMetrics.of(config.meterRegistry(), registry);
        for (Endpoint e : config.endpoints()) {
            if (e.sessions() != null) {
                SessionManager manager = new SessionManager(e.path(), config.sessions(), e.sessions(),
                        metrics.meter(e.path(), config.sessionStores().open(e.path())), owner, Clock.systemUTC(),
                        config.storeOutageWait(), config.limits().maxSessions());
                sessionManagers.put(e.path(), manager);
                metrics.bindEndpoint(e.path(), manager);
                if (manager.sharedStore()) {
                    io.netty.channel.EventLoop loop = group.next();
                    // Alive: the sessions attached here are left to this node (from before the first handshake).
                    loop.scheduleAtFixedRate(() -> manager.renewLease(config.nodeLease()), 0, renewEvery,
                            TimeUnit.MILLISECONDS);
                    // Sessions whose node died expire here; the node that held one expires it itself.
                    loop.scheduleAtFixedRate(() -> manager.sweep(SWEEP_GRACE, loop), SWEEP_EVERY.toMillis(),
                            SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
        ServerTls tls;
        try {
            tls = ServerTls.of(config);
        } catch (ServerStartException e) {
            sessionManagers.values().forEach(SessionManager::close);
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        ServerChannelInitializer initializer = new ServerChannelInitializer(config, registry, Map.copyOf(sessionManagers),
                tls, metrics);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new io.netty.channel.ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        allChannels.add(ch);
                        ch.pipeline().addLast(initializer);
                    }
                });
        try {
            Channel channel = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
            allChannels.add(channel);
            InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
            log.info("Tether server listening on {}:{} ({}), endpoints {}", config.host(), bound.getPort(),
                    transport, config.endpoints().stream().map(Endpoint::path).toList());
            return new TetherServer(config, group, channel, allChannels, registry, Map.copyOf(sessionManagers), tls);
        } catch (Exception e) { // bind failures arrive as undeclared IOExceptions from syncUninterruptibly
            sessionManagers.values().forEach(SessionManager::close);
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new ServerStartException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads the TLS certificate and key files ({@link ServerConfig#tls()}) again now, e.g. from a
     * SIGHUP handler or after a renewal; new connections use them, open ones keep theirs. Blocks
     * while the files are read.
     *
     * @return true when the new pair is in use; false when there is no PEM TLS or the files could
     *     not be loaded (logged; the previous pair stays)
     */
    public boolean reloadTls() {
        return tls != null && tls.reload();
    }

    /**
     * Why this server should get no new clients now, as {@code /health/ready} says it (503): it is
     * draining ({@link #stop} began), or a shared session store could not be reached at the last
     * lease renewal. Empty when ready. Any thread; for an admin port or a probe of one's own.
     */
    public Optional<String> notReady() {
        return Optional.ofNullable(io.tether.server.internal.Health.notReady(registry.isDraining(),
                sessionManagers.values()));
    }

    /** Whether {@link #stop} began: new handshakes are refused and {@link #notReady} says "draining". Any thread. */
    public boolean draining() {
        return registry.isDraining();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The configuration the server runs with. */
    public ServerConfig config() {
        return config;
    }

    /** Number of open WebSocket connections (handshake completed, not yet closed). */
    public int connectionCount() {
        return registry.size();
    }

    /**
     * The {@code tether.v1} session with this id, on any endpoint: send to it even while its client
     * is disconnected (the message is replayed when it resumes).
     */
    public Optional<Session> session(String id) {
        for (SessionManager m : sessionManagers.values()) {
            Optional<? extends Session> s = m.find(id);
            if (s.isPresent()) {
                return Optional.of(s.get());
            }
        }
        return Optional.empty();
    }

    /** Counters since start. */
    public ServerStats stats() {
        int held = 0;
        long flagged = 0;
        for (SessionManager m : sessionManagers.values()) {
            held += m.size();
            flagged += m.flaggedDeliveries();
        }
        return new ServerStats(registry.accepted(), registry.rejected(), registry.size(), held, flagged);
    }

    /** Stops gracefully over the configured {@link ServerConfig#drainWindow()}; see {@link #stop(Duration)}. */
    public CompletionStage<Void> stop() {
        return stop(config.drainWindow());
    }

    /**
     * Stops gracefully: refuses new handshakes (503 + Retry-After) and reports not ready
     * ({@code /health/ready} 503) from now on; closes every connection with 1012 "server restarting;
     * retry-after=&lt;n&gt;ms" (the hint is {@link ServerConfig#restartRetryAfter()}), one after another
     * in random order, spread evenly over {@code drainWindow} so that their clients come back spread
     * out; waits up to the close timeout after the last one for the clients' Close frames; then
     * closes the port and what is left and frees the threads. Idempotent: a second call returns the same stage,
     * which completes when everything is released.
     */
    public CompletionStage<Void> stop(Duration drainWindow) {
        Objects.requireNonNull(drainWindow, "drainWindow");
        synchronized (stopped) {
            if (stopping) {
                return stopped.copy();
            }
            stopping = true;
        }
        // Draining: from here on /health/ready answers 503 and handshakes are refused with 503 +
        // Retry-After, but the port stays open until the connections are closed, so that a load
        // balancer's probe sees the node leave instead of a refused connection.
        registry.startDraining();
        if (tlsWatch != null) {
            tlsWatch.cancel(false);
        }
        List<WebSocketConnectionHandler> connections = new ArrayList<>(registry.connections());
        Collections.shuffle(connections);
        String reason = "server restarting; " + RetryAfter.format(config.restartRetryAfter());
        long window = drainWindow.toNanos();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            WebSocketConnectionHandler connection = connections.get(i);
            long delay = window * i / connections.size();
            group.schedule(() -> connection.close(CloseCodes.SERVICE_RESTART, reason), delay, TimeUnit.NANOSECONDS);
            closing.add(connection.closeFuture().toCompletableFuture());
        }
        log.info("stopping: closing {} connections over {} ms", connections.size(), drainWindow.toMillis());
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, drainWindow.plus(config.closeTimeout()).toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> serverChannel.close().addListener(c -> allChannels.close().addListener(f ->
                        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(g -> {
                            sessionManagers.values().forEach(SessionManager::close);
                            stopped.complete(null);
                        }))));
        return stopped.copy();
    }

    /** {@link #stop()} and wait for it. */
    @Override
    public void close() {
        stop().toCompletableFuture().join();
    }
}
