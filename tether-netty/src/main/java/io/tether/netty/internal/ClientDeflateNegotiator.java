package io.tether.netty.internal;

import static io.tether.netty.internal.NegotiatedDeflate.CLIENT_NO_CONTEXT;
import static io.tether.netty.internal.NegotiatedDeflate.JDK_WINDOW_BITS;
import static io.tether.netty.internal.NegotiatedDeflate.NAME;
import static io.tether.netty.internal.NegotiatedDeflate.SERVER_NO_CONTEXT;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import io.tether.core.CompressionConfig;
import io.tether.core.ConnectFailedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of permessage-deflate negotiation: what to offer, and whether the server's
 * answer is one the client can live with. RFC 6455 9.1 makes the client fail a connection whose
 * server answered with an extension it did not offer, or with parameters it did not allow; that
 * fails the connect with {@link ConnectFailedException} ({@code HANDSHAKE}). The offer never
 * carries {@code client_max_window_bits}: the JDK's deflater cannot use a smaller window, so the
 * server may not ask for one. Stateless and thread-safe: one per client.
 */
public final class ClientDeflateNegotiator {
    private final CompressionConfig config;
    private final int maxFrameSize;
    private final @Nullable String offer;
    private final PerMessageDeflateClientExtensionHandshaker netty;

    /** @param maxFrameSize the client's frame limit, which inflated frames are held to as well */
    public ClientDeflateNegotiator(CompressionConfig config, int maxFrameSize) {
        this.config = Objects.requireNonNull(config, "config");
        this.maxFrameSize = maxFrameSize;
        Map<String, @Nullable String> parameters = new LinkedHashMap<>();
        if (config.clientNoContextTakeover()) {
            parameters.put(CLIENT_NO_CONTEXT, null);
        }
        if (config.serverNoContextTakeover()) {
            parameters.put(SERVER_NO_CONTEXT, null);
        }
        this.offer = config.enabled() ? ExtensionHeader.format(new WebSocketExtensionData(NAME, parameters)) : null;
        // allowClientWindowSize false: not offered. allowClientNoContext true: a server may ask
        // for it even unoffered (RFC 7692 7.1.1.2), and resetting our deflater is always possible.
        this.netty = new PerMessageDeflateClientExtensionHandshaker(config.level(), false, JDK_WINDOW_BITS, true,
                config.serverNoContextTakeover(), NegotiatedDeflate.minSizeFilter(config.minMessageSize()),
                NegotiatedDeflate.maxAllocation(maxFrameSize));
    }

    /** The {@code Sec-WebSocket-Extensions} value to send, or null when compression is off. */
    public @Nullable String offer() {
        return offer;
    }

    /**
     * The agreement the server's {@code answer} makes, or null when it answered without extensions.
     *
     * @throws ConnectFailedException when the answer has an extension or a parameter that was not offered
     */
    public @Nullable NegotiatedDeflate accept(@Nullable String answer) {
        List<ExtensionHeader.Entry> extensions = ExtensionHeader.parse(answer);
        if (extensions.isEmpty()) {
            return null;
        }
        if (offer == null || extensions.size() > 1 || !NAME.equals(extensions.get(0).name())) {
            throw refused(answer, offer == null ? "no extension was offered" : "only " + NAME + " was offered");
        }
        ExtensionHeader.Entry agreed = extensions.get(0);
        Map<String, @Nullable String> parameters = new LinkedHashMap<>(agreed.data().parameters());
        if (config.clientNoContextTakeover()) {
            // Offering it promised not to take over whatever the answer says (RFC 7692 7.1.1.2).
            parameters.put(CLIENT_NO_CONTEXT, null);
        }
        WebSocketClientExtension extension = agreed.wellFormed() ? handshake(parameters) : null;
        if (extension == null) {
            throw refused(answer, "the parameters do not fit the offer '" + offer + "'");
        }
        return new NegotiatedDeflate(extension, ExtensionHeader.format(agreed.data()), maxFrameSize);
    }

    private @Nullable WebSocketClientExtension handshake(Map<String, @Nullable String> parameters) {
        try {
            return netty.handshakeExtension(new WebSocketExtensionData(NAME, parameters));
        } catch (NumberFormatException e) {
            return null; // server_max_window_bits without a number
        }
    }

    private static ConnectFailedException refused(@Nullable String answer, String why) {
        return new ConnectFailedException("the server answered with Sec-WebSocket-Extensions '" + answer
                + "', which was not offered: " + why);
    }
}
