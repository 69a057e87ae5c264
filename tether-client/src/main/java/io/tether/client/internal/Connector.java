package io.tether.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.tether.client.ClientConfig;
import io.tether.core.ConnectFailedException;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.internal.protocol.Frame;
import io.tether.netty.internal.ClientDeflateNegotiator;
import io.tether.netty.internal.ConnectionSettings;
import io.tether.netty.internal.TetherClientHandshaker;
import io.tether.netty.internal.ThreadLocalRandomGenerator;
import io.tether.netty.internal.Transports;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/** Opens one WebSocket connection: TCP (and TLS), then the opening handshake. */
public final class Connector {
    /** Handshake responses other than 101 may carry a body that says why; keep up to this much. */
    private static final int MAX_HANDSHAKE_RESPONSE = 65536;

    private final ClientConfig config;
    private final Transports transport;
    private final ClientDeflateNegotiator deflate;

    /** TLS for wss:// when the config names a PEM trust file: built once; else one per connection from the JDK context. */
    private final @Nullable SslContext pemTrust;
    private final io.tether.netty.internal.TransportMeter meter;

    /** @throws IllegalArgumentException when the trusted certificates file cannot be read */
    public Connector(ClientConfig config, Transports transport) {
        this(config, transport, io.tether.netty.internal.TransportMeter.NONE);
    }

    /**
     * @param meter where the connections count messages and heartbeat round trips
     * @throws IllegalArgumentException when the trusted certificates file cannot be read
     */
    public Connector(ClientConfig config, Transports transport, io.tether.netty.internal.TransportMeter meter) {
        this.meter = meter;
        this.config = config;
        this.transport = transport;
        this.pemTrust = TlsContexts.trusting(config.trustedCertificates());
        this.deflate = new ClientDeflateNegotiator(config.compression(), config.maxFrameSize());
    }

    /** Checks that {@code uri} is a ws:// or wss:// URI with a host; throws IllegalArgumentException if not. */
    public static void validate(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("URI must start with ws:// or wss://, was " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URI has no host: " + uri);
        }
    }

    /**
     * Connects on {@code group} (an event loop pins the channel, and so every callback, to it). The
     * stage completes after {@code listener.onOpen}, or fails with ConnectFailedException or
     * HandshakeRejectedException.
     */
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketListener listener, EventLoopGroup group) {
        return connect(uri, listener, group, false);
    }

    /** As {@link #connect(URI, WebSocketListener, EventLoopGroup)}, offering {@code tether.v1} first when asked. */
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketListener listener, EventLoopGroup group,
            boolean offerSessions) {
        return connect(uri, listener, group, offerSessions, false);
    }

    /**
     * As above, first asking the config's {@link io.tether.client.Credentials} for this attempt's
     * headers ({@code rejected}: the previous attempt was refused with 401). A failure of the
     * credentials fails the attempt with a {@link ConnectFailedException} that says so.
     */
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketListener listener, EventLoopGroup group,
            boolean offerSessions, boolean rejected) {
        validate(uri);
        CompletionStage<Map<String, String>> credentials;
        try {
            credentials = config.credentials().headers(rejected);
        } catch (RuntimeException e) {
            credentials = CompletableFuture.failedFuture(e);
        }
        return credentials.toCompletableFuture().handle((extra, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                return CompletableFuture.<WebSocketConnection>failedFuture(new ConnectFailedException(
                        "credentials for " + uri + " unavailable: " + cause, cause));
            }
            return open(uri, listener, group, offerSessions, extra == null ? Map.of() : extra);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<WebSocketConnection> open(URI uri, WebSocketListener listener, EventLoopGroup group,
            boolean offerSessions, Map<String, String> credentialHeaders) {
        boolean tls = uri.getScheme().equalsIgnoreCase("wss");
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();
        ConnectionSettings settings = new ConnectionSettings(true, config.maxMessageSize(), config.closeTimeout(),
                config.heartbeat(), ThreadLocalRandomGenerator.INSTANCE, connection -> { },
                io.tether.netty.internal.FlowLimits.NONE, meter);
        List<String> offered = offeredSubprotocols(offerSessions);
        HttpHeaders headers = headers();
        credentialHeaders.forEach(headers::set);
        if (!offered.isEmpty()) {
            // Sent by us, not by Netty's handshaker: Netty fails a handshake whose answer selects no
            // subprotocol, which RFC 6455 allows (4.2.2) and plain servers do.
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, String.join(",", offered));
        }
        String extensions = deflate.offer();
        if (extensions != null) {
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, extensions);
        }
        TetherClientHandshaker handshaker = new TetherClientHandshaker(uri, null, headers,
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
                            ch.pipeline().addLast("tls", new SslHandler(engine(ch, host, port)));
                        }
                        ch.pipeline()
                                .addLast("flush-consolidation", new FlushConsolidationHandler(256, false))
                                .addLast("http", new HttpClientCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE))
                                .addLast(ClientHandshakeHandler.NAME, new ClientHandshakeHandler(uri, handshaker,
                                        offered, settings, listener, config.handshakeTimeout(), result, deflate));
                    }
                });
        bootstrap.connect(host, port).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new ConnectFailedException(
                        "cannot connect to " + uri + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }

    private SSLEngine engine(Channel ch, String host, int port) {
        SslContext context = pemTrust != null ? pemTrust : TlsContexts.forClient(config.sslContext());
        SSLEngine engine = context.newEngine(ch.alloc(), host, port);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return engine;
    }

    private List<String> offeredSubprotocols(boolean offerSessions) {
        List<String> offered = new ArrayList<>();
        if (offerSessions) {
            offered.add(Frame.SUBPROTOCOL);
        }
        offered.addAll(config.subprotocols());
        return offered;
    }

    private HttpHeaders headers() {
        HttpHeaders headers = new DefaultHttpHeaders();
        config.headers().forEach(headers::set);
        return headers;
    }
}
