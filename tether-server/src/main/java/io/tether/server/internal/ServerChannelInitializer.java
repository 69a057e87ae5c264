package io.tether.server.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.Ticker;
import io.tether.core.internal.reconnect.TokenBucket;
import io.tether.netty.internal.ConnectionSettings;
import io.tether.netty.internal.FlowLimits;
import io.tether.netty.internal.ServerDeflateNegotiator;
import io.tether.netty.internal.ThreadLocalRandomGenerator;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Builds each accepted channel's pipeline: HTTP codec, request aggregator, handshake gate. */
public final class ServerChannelInitializer extends ChannelInitializer<Channel> {
    /** Upgrade requests have no body; 8 KiB of headers is plenty, more is refused. */
    private static final int MAX_HANDSHAKE_REQUEST = 8192;

    private final ServerConfig config;
    private final ServerContext context;
    private final @Nullable ServerTls tls;

    public ServerChannelInitializer(ServerConfig config, ConnectionRegistry registry,
            Map<String, SessionManager> sessionManagers, @Nullable ServerTls tls) {
        this(config, registry, sessionManagers, tls, ServerMetrics.NONE);
    }

    public ServerChannelInitializer(ServerConfig config, ConnectionRegistry registry,
            Map<String, SessionManager> sessionManagers, @Nullable ServerTls tls, ServerMetrics metrics) {
        this.config = config;
        this.tls = tls;
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(config.maxFrameSize())
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
        // One bucket for the whole server, shared by its event loops.
        TokenBucket admission = config.admission().enabled()
                ? new TokenBucket(config.admission().ratePerSecond(), config.admission().burst(),
                        Ticker.systemTicker().nanoTime())
                : null;
        StaticFiles staticFiles = config.staticRoot() == null ? null
                : new StaticFiles(config.staticRoot(), ServerChannelInitializer.class.getClassLoader());
        ConnectionLimiter limiter = new ConnectionLimiter(config.limits(), admission);
        metrics.bindLimiter(limiter);
        this.context = new ServerContext(config,
                config.endpoints().stream().collect(Collectors.toUnmodifiableMap(Endpoint::path, Function.identity())),
                new ConnectionSettings(false, config.maxMessageSize(), config.closeTimeout(), config.heartbeat(),
                        ThreadLocalRandomGenerator.INSTANCE, connection -> {
                            registry.closed(connection);
                            limiter.release(limiter.addressOf(connection.handshake()));
                            metrics.closed(connection);
                            LifecycleLog.connectionClosed(connection);
                        }, FlowLimits.of(config.limits().inboundMessagesPerSecond(), config.limits().inboundBurst(),
                                config.limits().maxQueuedBytes()), metrics.transport()),
                registry, decoderConfig, sessionManagers, staticFiles,
                new Gatekeeper(config.handshakeGate(), config.authenticator()), limiter, Clock.systemUTC(),
                new ServerDeflateNegotiator(config.compression(), config.maxFrameSize()), metrics);
    }

    @Override
    protected void initChannel(Channel ch) {
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch));
        }
        ch.pipeline()
                // Writes made while reading a batch of frames (echoes, acks, room fan-out) go out
                // in one syscall at the end of the batch instead of one each; no delay otherwise.
                .addLast("flush-consolidation", new FlushConsolidationHandler(256, false))
                .addLast("http", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_HANDSHAKE_REQUEST))
                .addLast(ServerHandshakeHandler.NAME, new ServerHandshakeHandler(context));
    }
}
