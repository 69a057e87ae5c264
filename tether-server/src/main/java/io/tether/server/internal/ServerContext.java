package io.tether.server.internal;

import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.tether.netty.internal.ConnectionSettings;
import io.tether.netty.internal.NegotiatedDeflate;
import io.tether.netty.internal.ServerDeflateNegotiator;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What every connection of one server shares: built once at start, handed to each connection's
 * handshake handler.
 */
record ServerContext(ServerConfig config, Map<String, Endpoint> endpoints, ConnectionSettings settings,
        ConnectionRegistry registry, WebSocketDecoderConfig decoderConfig,
        Map<String, SessionManager> sessionManagers, @Nullable StaticFiles staticFiles, Gatekeeper gatekeeper,
        ConnectionLimiter limiter, Clock clock, ServerDeflateNegotiator deflate, ServerMetrics metrics) {

    /** The frame decoder's settings: reserved bits let through when permessage-deflate was agreed. */
    WebSocketDecoderConfig decoderConfig(@Nullable NegotiatedDeflate agreed) {
        return agreed == null ? decoderConfig : decoderConfig.toBuilder().allowExtensions(true).build();
    }
}
