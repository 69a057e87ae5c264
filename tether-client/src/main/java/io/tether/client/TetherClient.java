package io.tether.client;

import io.netty.channel.EventLoopGroup;
import io.tether.client.internal.ClientMetrics;
import io.tether.client.internal.Connector;
import io.tether.client.internal.ReconnectingSocket;
import io.tether.core.CloseCodes;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.netty.internal.ThreadLocalRandomGenerator;
import io.tether.netty.internal.Transports;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Opens WebSocket connections to any RFC 6455 server: one-shot with {@link #connect}, or
 * self-reconnecting with {@link #open}. One client owns one event loop group and serves any number
 * of connections; create one per application and share it. Thread-safe.
 */
public final class TetherClient implements AutoCloseable {
    private final ClientConfig config;
    private final RandomGenerator random;
    private final EventLoopGroup group;
    private final Connector connector;
    private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();
    private final Set<ReconnectingSocket> sockets = ConcurrentHashMap.newKeySet();
    private final ClientMetrics metrics;

    private TetherClient(ClientConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
        Transports transport = Transports.best();
        this.group = transport.newGroup(config.ioThreads(), "tether-client");
        this.metrics = ClientMetrics.of(config.meterRegistry(), sockets);
        this.connector = new Connector(config, transport, metrics.transport());
    }

    /** A client with {@code config}; starts its event loop threads. */
    public static TetherClient create(ClientConfig config) {
        return create(config, ThreadLocalRandomGenerator.INSTANCE);
    }

    /**
     * A client whose reconnect jitter draws from {@code random} (for tests and simulations; must be
     * thread-safe if sockets live on several event loops).
     */
    public static TetherClient create(ClientConfig config, RandomGenerator random) {
        return new TetherClient(Objects.requireNonNull(config, "config"), Objects.requireNonNull(random, "random"));
    }

    /** A client with the defaults of {@link ClientConfig}. */
    public static TetherClient create() {
        return create(ClientConfig.DEFAULT);
    }

    public ClientConfig config() {
        return config;
    }

    /**
     * Connects once to {@code uri} ({@code ws://} or {@code wss://}). The stage completes with the
     * open connection after {@code listener.onOpen}, or fails with
     * {@link io.tether.core.ConnectFailedException} (refused, timed out, DNS, TLS, bad answer) or
     * {@link io.tether.core.HandshakeRejectedException} (an HTTP status other than 101). Never throws
     * for network problems; throws {@link IllegalArgumentException} for a URI it cannot use.
     */
    public CompletionStage<WebSocketConnection> connect(URI uri, WebSocketListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(listener, "listener");
        return connector.connect(uri, listener, group).thenApply(connection -> {
            open.add(connection);
            connection.closeFuture().whenComplete((v, e) -> open.remove(connection));
            return connection;
        });
    }

    /**
     * Opens a socket to {@code uri} that reconnects by itself per {@link ClientConfig#reconnect()}
     * and buffers sends per {@link ClientConfig#outbox()}. Returns at once, in state CONNECTING;
     * {@code listener} hears the rest. Throws {@link IllegalArgumentException} for a URI it cannot use.
     */
    public TetherSocket open(URI uri, SocketListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(listener, "listener");
        Connector.validate(uri);
        ReconnectingSocket socket = ReconnectingSocket.create(uri, connector, config, random, group.next(), listener,
                metrics);
        sockets.add(socket);
        socket.closeFuture().whenComplete((v, e) -> sockets.remove(socket));
        socket.start();
        return socket;
    }

    /**
     * Closes every socket and connection with 1001 "client closing", waits up to the close timeout,
     * then stops the event loops. Blocks until done.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = new java.util.ArrayList<>();
        sockets.forEach(s -> closing.add(s.close(CloseCodes.GOING_AWAY, "client closing").toCompletableFuture()));
        open.forEach(c -> closing.add(c.close(CloseCodes.GOING_AWAY, "client closing").toCompletableFuture()));
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, config.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .join();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
