package io.tether.netty.internal;

import static io.tether.netty.internal.NegotiatedDeflate.CLIENT_MAX_WINDOW;
import static io.tether.netty.internal.NegotiatedDeflate.CLIENT_NO_CONTEXT;
import static io.tether.netty.internal.NegotiatedDeflate.JDK_WINDOW_BITS;
import static io.tether.netty.internal.NegotiatedDeflate.NAME;
import static io.tether.netty.internal.NegotiatedDeflate.SERVER_MAX_WINDOW;
import static io.tether.netty.internal.NegotiatedDeflate.SERVER_NO_CONTEXT;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.tether.core.CompressionConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The server's side of permessage-deflate negotiation: picks the first acceptable offer of a
 * client's {@code Sec-WebSocket-Extensions} (RFC 7692 5) and says what to answer. Netty's
 * handshaker judges the parameters; around it, this declines what the JDK's zlib cannot do (a
 * {@code server_max_window_bits} below 15), echoes {@code server_max_window_bits=15} when it was
 * asked for (which Netty leaves out), and adds the no-context-takeover parameters the
 * configuration wants. Stateless and thread-safe: one per server.
 */
public final class ServerDeflateNegotiator {
    private static final List<String> ANSWER_ORDER = List.of(SERVER_NO_CONTEXT, CLIENT_NO_CONTEXT, SERVER_MAX_WINDOW,
            CLIENT_MAX_WINDOW);
    private final CompressionConfig config;
    private final int maxFrameSize;
    private final PerMessageDeflateServerExtensionHandshaker netty;

    /** @param maxFrameSize the server's frame limit, which inflated frames are held to as well */
    public ServerDeflateNegotiator(CompressionConfig config, int maxFrameSize) {
        this.config = Objects.requireNonNull(config, "config");
        this.maxFrameSize = maxFrameSize;
        // allowServerWindowSize false: Netty would build a JZlib deflater for a smaller window.
        // allowServerNoContext true: resetting our deflater per message is always possible.
        // preferredClientNoContext true: a client that offers not to take over lets us drop its
        // inflater's state between messages.
        this.netty = new PerMessageDeflateServerExtensionHandshaker(config.level(), false, JDK_WINDOW_BITS, true,
                true, NegotiatedDeflate.minSizeFilter(config.minMessageSize()),
                NegotiatedDeflate.maxAllocation(maxFrameSize));
    }

    /** Whether this server takes permessage-deflate at all. */
    public boolean enabled() {
        return config.enabled();
    }

    /**
     * The agreement for the client's offers {@code header}, or null to go on uncompressed (no
     * offer, compression off, or no offer acceptable: RFC 7692 lets a server decline them all).
     */
    public @Nullable NegotiatedDeflate negotiate(@Nullable String header) {
        if (!config.enabled()) {
            return null;
        }
        for (ExtensionHeader.Entry offer : ExtensionHeader.parse(header)) {
            if (offer.wellFormed() && NAME.equals(offer.name())) {
                NegotiatedDeflate agreed = accept(offer.data().parameters());
                if (agreed != null) {
                    return agreed;
                }
            }
        }
        return null;
    }

    private @Nullable NegotiatedDeflate accept(Map<String, String> offered) {
        Map<String, @Nullable String> parameters = new LinkedHashMap<>(offered);
        boolean windowAsked = parameters.containsKey(SERVER_MAX_WINDOW);
        if (windowAsked && !String.valueOf(JDK_WINDOW_BITS).equals(parameters.remove(SERVER_MAX_WINDOW))) {
            return null; // a smaller window than the JDK's deflater has: decline this offer (RFC 7692 7.1.2.1)
        }
        if (config.serverNoContextTakeover()) {
            parameters.put(SERVER_NO_CONTEXT, null); // a server may volunteer it (RFC 7692 7.1.1.1)
        }
        if (config.clientNoContextTakeover()) {
            parameters.put(CLIENT_NO_CONTEXT, null); // and ask it of the client (7.1.1.2)
        }
        WebSocketServerExtension extension = netty.handshakeExtension(new WebSocketExtensionData(NAME, parameters));
        if (extension == null) {
            return null;
        }
        Map<String, String> netty = extension.newReponseData().parameters();
        Map<String, @Nullable String> answer = new LinkedHashMap<>();
        for (String name : ANSWER_ORDER) { // Netty's map has no order; a fixed one reads better in logs and tests
            if (netty.containsKey(name)) {
                answer.put(name, netty.get(name));
            }
        }
        if (windowAsked) {
            answer.put(SERVER_MAX_WINDOW, String.valueOf(JDK_WINDOW_BITS)); // accepting means echoing it
        }
        return new NegotiatedDeflate(extension, ExtensionHeader.format(new WebSocketExtensionData(NAME, answer)),
                maxFrameSize);
    }
}
