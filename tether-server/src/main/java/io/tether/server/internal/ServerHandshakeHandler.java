package io.tether.server.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tether.core.CloseCodes;
import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.reconnect.RetryAfter;
import io.tether.netty.internal.ConnectionSettings;
import io.tether.netty.internal.FramePipeline;
import io.tether.netty.internal.HandshakeRequests;
import io.tether.netty.internal.NegotiatedDeflate;
import io.tether.netty.internal.TetherServerHandshaker;
import io.tether.netty.internal.WebSocketConnectionHandler;
import io.tether.server.Acceptance;
import io.tether.server.Endpoint;
import io.tether.server.HttpRoute;
import io.tether.server.ServerConfig;
import io.tether.server.Authentication;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gate of every new TCP connection: validates the upgrade request, answers what is not a valid
 * handshake with a 4xx that says why, asks the application's {@link io.tether.server.HandshakeGate}s
 * (answering their refusal), lets Netty's handshaker do the RFC 6455 handshake, installs
 * the frame pipeline in its own place and removes itself. Closes connections that do not complete
 * a handshake within the configured time.
 */
final class ServerHandshakeHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "tether-handshake";
    private static final Logger log = LoggerFactory.getLogger(ServerHandshakeHandler.class);

    private final ServerContext context;
    private final ServerConfig config;
    private final Map<String, Endpoint> endpoints;
    private final ConnectionSettings settings;
    private final ConnectionRegistry registry;
    private @Nullable ScheduledFuture<?> timeout;

    ServerHandshakeHandler(ServerContext context) {
        this.context = context;
        this.config = context.config();
        this.endpoints = context.endpoints();
        this.settings = context.settings();
        this.registry = context.registry();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            log.debug("{} no handshake within {}, closing", ctx.channel(), config.handshakeTimeout());
            ctx.close();
        }, config.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            // Stray HTTP pieces after an answered request: the connection is closing anyway.
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            handle(ctx, request);
        } finally {
            request.release();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        String problem = problemWith(request);
        if (problem != null) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST, problem);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        Endpoint endpoint = endpoints.get(path);
        HttpRoute route = config.routes().get(path);
        if (endpoint == null && route != null && !isUpgrade(request)) {
            Routes.answer(ctx, route, request.method().name(), HandshakeRequests.of(path,
                    HandshakeRequests.rawQuery(request.uri()), request.headers(), ctx.channel().remoteAddress(), null));
            return;
        }
        if (endpoint == null && !isUpgrade(request) && Health.handles(path)) {
            Health.answer(ctx, path, registry.isDraining(), context.sessionManagers().values());
            return;
        }
        if (endpoint == null) {
            StaticFiles staticFiles = context.staticFiles();
            if (staticFiles != null && !isUpgrade(request)) {
                staticFiles.serve(ctx, request, path);
            } else {
                reject(ctx, HttpResponseStatus.NOT_FOUND, "no WebSocket endpoint at " + path);
            }
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST, "a WebSocket handshake must use GET, not " + request.method());
            return;
        }
        if (!isUpgrade(request)) {
            reject(ctx, HttpResponseStatus.BAD_REQUEST,
                    "expected a WebSocket upgrade request (Connection: Upgrade, Upgrade: websocket)");
            return;
        }
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!"13".equals(version)) {
            // RFC 6455 4.4: answer with the version we speak.
            log.debug("{} unsupported WebSocket version {}", ctx.channel(), version);
            context.metrics().refused(426);
            var response = HttpResponses.error(ctx, HttpResponseStatus.UPGRADE_REQUIRED,
                    "unsupported WebSocket version " + version + "; this server speaks 13 (RFC 6455)");
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (registry.isDraining()) {
            registry.countRejected();
            reject503(ctx, Math.max(1, config.restartRetryAfter().toSeconds()), "server shutting down");
            return;
        }
        if (!request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            // Netty's handshaker would refuse it too, but only after the gate saw it.
            reject(ctx, HttpResponseStatus.BAD_REQUEST, "invalid WebSocket handshake: no Sec-WebSocket-Key");
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!config.origins().allows(origin, request.headers().get(HttpHeaderNames.HOST),
                config.tls() != null || config.sslContext() != null)) {
            registry.countRejected();
            reject(ctx, HttpResponseStatus.FORBIDDEN, "origin " + origin + " is not allowed to connect");
            return;
        }
        // The endpoint's own path string: the request's copy would cost every connection 48 bytes.
        HandshakeRequest handshake = HandshakeRequests.of(endpoint.path(), HandshakeRequests.rawQuery(request.uri()),
                request.headers(), ctx.channel().remoteAddress(), selectSubprotocol(request, endpoint));
        String address = context.limiter().addressOf(handshake);
        Acceptance.Refused overLimit = context.limiter().admit(address, ctx.executor().ticker().nanoTime());
        if (overLimit != null) {
            refuse(ctx, overLimit);
            return;
        }
        Acceptance.Refused refused = checkAndUpgrade(ctx, request, endpoint, handshake);
        if (refused != null) {
            context.limiter().release(address);
            refuse(ctx, refused);
        }
    }

    /**
     * Authenticates, asks the endpoint's authorizer and the application's gates, then upgrades;
     * returns their refusal instead (nothing upgraded).
     */
    private Acceptance.@Nullable Refused checkAndUpgrade(ChannelHandlerContext ctx, FullHttpRequest request,
            Endpoint endpoint, HandshakeRequest handshake) {
        Authentication authentication = context.gatekeeper().authenticate(handshake, ctx.channel());
        if (authentication instanceof Authentication.Refused refused) {
            return refused.refusal();
        }
        Principal principal = authentication instanceof Authentication.Authenticated a ? a.principal() : null;
        Acceptance.Refused unauthorized = context.gatekeeper().authorize(endpoint, principal, handshake, ctx.channel());
        if (unauthorized != null) {
            return unauthorized;
        }
        Acceptance answer = context.gatekeeper().check(handshake, endpoint, ctx.channel());
        if (answer instanceof Acceptance.Refused refused) {
            return refused;
        }
        upgrade(ctx, request, endpoint, handshake, ((Acceptance.Accepted) answer).attributes(), principal);
        return null;
    }

    private void refuse(ChannelHandlerContext ctx, Acceptance.Refused refused) {
        log.debug("{} handshake refused with {}: {}", ctx.channel(), refused.status(), refused.reason());
        registry.countRejected();
        context.metrics().refused(refused.status());
        var response = HttpResponses.error(ctx, HttpResponseStatus.valueOf(refused.status()), refused.reason());
        refused.headers().forEach((name, value) -> response.headers().set(name, value));
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void reject503(ChannelHandlerContext ctx, long retryAfterSeconds, String why) {
        context.metrics().refused(503);
        log.debug("{} handshake refused: {}, retry after {} s", ctx.channel(), why, retryAfterSeconds);
        var response = HttpResponses.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE,
                why + "; retry after " + retryAfterSeconds + " s");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static @Nullable String problemWith(HttpObject request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            return "malformed HTTP request: " + (cause == null ? "unreadable" : cause.getMessage());
        }
        return null;
    }

    private static boolean isUpgrade(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, Endpoint endpoint,
            HandshakeRequest handshake, Map<String, Object> attributes, @Nullable Principal principal) {
        WebSocketConnectionHandler connection = null;
        boolean added = false;
        boolean installed = false;
        try {
            String subprotocol = handshake.subprotocol();
            NegotiatedDeflate deflate = context.deflate().negotiate(
                    request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
            var handshaker = new TetherServerHandshaker(webSocketUrl(request, endpoint.path()), subprotocol,
                    context.decoderConfig(deflate));
            connection = new WebSocketConnectionHandler(ctx.channel(), settings,
                    listenerFor(endpoint, subprotocol, ctx), handshake, attributes, principal);
            // Registered before the 101 goes on the wire: a stop() racing with the client's first read
            // still finds the connection and closes it with a Close frame.
            registry.add(connection);
            added = true;
            var future = handshaker.handshake(ctx.channel(), request, deflate == null ? null
                    : new DefaultHttpHeaders().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, deflate.header()),
                    ctx.newPromise());
            FramePipeline.install(ctx, settings, connection, deflate);
            // From here the connection handler's close hook gives the registry entry and the slot back.
            installed = true;
            WebSocketConnectionHandler opened = connection;
            future.addListener(f -> {
                if (f.isSuccess()) {
                    LifecycleLog.connectionOpened(opened);
                    opened.fireOpen();
                    CredentialsExpiry.watch(ctx.channel().eventLoop(), opened, principal, config.credentialsGrace(),
                            context.clock());
                    if (registry.isDraining()) {
                        // stop() began between our draining check and registry.add: close like the rest.
                        opened.close(CloseCodes.SERVICE_RESTART,
                                "server restarting; " + RetryAfter.format(config.restartRetryAfter()));
                    }
                } else {
                    log.debug("{} handshake response could not be written", ctx.channel(), f.cause());
                    ctx.channel().close();
                }
            });
        } catch (RuntimeException e) {
            if (installed) {
                throw e;
            }
            if (added) {
                registry.remove(connection);
            }
            context.limiter().release(context.limiter().addressOf(handshake));
            if (e instanceof WebSocketHandshakeException) {
                reject(ctx, HttpResponseStatus.BAD_REQUEST, "invalid WebSocket handshake: " + e.getMessage());
            } else {
                log.warn("{} upgrade failed; answering 500", ctx.channel(), e);
                HttpResponses.sendAndClose(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error during the upgrade");
            }
        }
    }

    /** tether.v1 connections go to the endpoint's sessions, the others to its plain listener. */
    private io.tether.core.WebSocketListener listenerFor(Endpoint endpoint, @Nullable String subprotocol,
            ChannelHandlerContext ctx) {
        SessionManager sessions = context.sessionManagers().get(endpoint.path());
        if (sessions != null && Frame.SUBPROTOCOL.equals(subprotocol)) {
            return new SessionConnectionListener(sessions, ctx.channel().eventLoop(), config.handshakeTimeout());
        }
        return endpoint.listener();
    }

    /** The first subprotocol the client offered that the endpoint speaks (Netty's rule), or null. */
    private static @Nullable String selectSubprotocol(FullHttpRequest request, Endpoint endpoint) {
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (offered == null || endpoint.subprotocols().isEmpty()) {
            return null;
        }
        for (String candidate : offered.split(",")) {
            String p = candidate.trim();
            for (String spoken : endpoint.subprotocols()) {
                if (spoken.equals(p)) {
                    return spoken; // the endpoint's instance, shared by all its connections
                }
            }
        }
        return null;
    }

    private String webSocketUrl(FullHttpRequest request, String path) {
        String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        return (config.sslContext() != null || config.tls() != null ? "wss://" : "ws://") + host + path;
    }

    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        context.metrics().refused(status.code());
        // A client's mistake, not ours: debug, never error.
        log.debug("{} handshake rejected {}: {}", ctx.channel(), status.code(), reason);
        HttpResponses.sendAndClose(ctx, status, reason);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} error before the handshake completed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
