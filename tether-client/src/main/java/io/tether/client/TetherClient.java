package io.tether.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslHandler;
import io.tether.client.internal.ClientHandshakeHandler;
import io.tether.client.internal.TlsContexts;
import io.tether.core.CloseCodes;
import io.tether.core.ConnectFailedException;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.netty.ConnectionSettings;
import io.tether.netty.TetherClientHandshaker;
import io.tether.netty.Transports;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * Opens WebSocket connections to any RFC 6455 server. One client owns one event loop group and
 * serves any number of connections; create one per application and share it. Thread-safe.
 */
public final class TetherClient implements AutoCloseable {
    /** Handshake responses other than 101 may carry a body that says why; keep up to this much. */
    private static final int MAX_HANDSHAKE_RESPONSE = 65536;

    private final ClientConfig config;
    private final Transports transport;
    private final EventLoopGroup group;
    private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();

    private TetherClient(ClientConfig config) {
        this.config = config;
        this.transport = Transports.best();
        this.group = transport.newGroup(config.ioThreads(), "tether-client");
    }

    /** A client with {@code config}; starts its event loop threads. */
    public static TetherClient create(ClientConfig config) {
        return new TetherClient(Objects.requireNonNull(config, "config"));
    }

    /** A client with the defaults of {@link ClientConfig}. */
    public static TetherClient create() {
        return create(ClientConfig.DEFAULT);
    }

    public ClientConfig config() {
        return config;
    }

    /**
     * Connects to {@code uri} ({@code ws://} or {@code wss://}). The stage completes with the open
     * connection after {@code listener.onOpen}, or fails with
     * {@link io.tether.core.ConnectFailedException} (refused, timed out, DNS, TLS, bad answer) or
     * {@link io.tether.core.HandshakeRejectedException} (an HTTP status other than 101). Never throws
     * for network problems; throws {@link IllegalArgumentException} for a URI it cannot use.
     */
    public CompletionStage<WebSocketConnection> connect(URI uri, WebSocketListener listener) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(listener, "listener");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("URI must start with ws:// or wss://, was " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URI has no host: " + uri);
        }
        boolean tls = scheme.equals("wss");
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();
        ConnectionSettings settings = new ConnectionSettings(true, config.maxMessageSize(), config.closeTimeout(),
                config.heartbeat(), ThreadLocalRandom.current());
        TetherClientHandshaker handshaker = new TetherClientHandshaker(uri, subprotocolHeader(), headers(),
                config.maxFrameSize(), config.closeTimeout().toMillis());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls) {
                            SSLEngine engine = TlsContexts.forClient(config.sslContext()).newEngine(ch.alloc(), host, port);
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                            ch.pipeline().addLast("tls", new SslHandler(engine));
                        }
                        ch.pipeline()
                                .addLast("http", new HttpClientCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE))
                                .addLast(ClientHandshakeHandler.NAME, new ClientHandshakeHandler(uri, handshaker,
                                        settings, listener, config.handshakeTimeout(), result));
                    }
                });
        bootstrap.connect(host, port).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new ConnectFailedException(
                        "cannot connect to " + uri + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        return result.thenApply(connection -> {
            open.add(connection);
            connection.closeFuture()
                    .whenComplete((v, e) -> open.remove(connection));
            return connection;
        });
    }

    private @Nullable String subprotocolHeader() {
        return config.subprotocols().isEmpty() ? null : String.join(",", config.subprotocols());
    }

    private HttpHeaders headers() {
        HttpHeaders headers = new DefaultHttpHeaders();
        config.headers().forEach(headers::set);
        return headers;
    }

    /**
     * Closes every open connection with 1001 "client closing", waits up to the close timeout, then
     * stops the event loops. Blocks until done.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = open.stream()
                .map(c -> c.close(CloseCodes.GOING_AWAY, "client closing").toCompletableFuture())
                .toList();
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, config.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .join();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
