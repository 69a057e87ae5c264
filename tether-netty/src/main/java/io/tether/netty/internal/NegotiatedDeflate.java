package io.tether.netty.internal;

import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import java.util.Objects;

/**
 * permessage-deflate (RFC 7692) as agreed for one connection, by {@link ServerDeflateNegotiator} or
 * {@link ClientDeflateNegotiator}: Netty's extension, which makes the connection's deflater and
 * inflater, and the limit on what one frame may inflate to.
 *
 * @param extension Netty's negotiated extension
 * @param header the agreed {@code Sec-WebSocket-Extensions} value (what the server answered)
 * @param maxInflatedFrameSize largest frame payload after inflating, bytes: the connection's frame
 *     limit, which applies to what a frame carries, not to how small it was on the wire
 */
public record NegotiatedDeflate(WebSocketExtension extension, String header, int maxInflatedFrameSize) {
    static final String NAME = "permessage-deflate";
    static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW = "client_max_window_bits";
    /** The JDK's Deflater and Inflater have this window only (other sizes need JZlib). */
    static final int JDK_WINDOW_BITS = 15;
    /**
     * Netty's inflater refuses to grow its output buffer once fewer than 512 bytes are free at its
     * maximum size, even when no more output would come: so its maximum is the frame limit plus
     * this, and {@link InflatedFrameLimit} enforces the exact limit.
     */
    private static final int INFLATER_SLACK = 512;

    public NegotiatedDeflate {
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(header, "header");
    }

    /** Netty's {@code maxAllocation} for the inflater: what one frame may allocate at most. */
    static int maxAllocation(int maxInflatedFrameSize) {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxInflatedFrameSize + INFLATER_SLACK);
    }

    /**
     * Messages below {@code minMessageSize} bytes go out uncompressed (RSV1 clear), which RFC 7692
     * allows per message. Only first frames are judged: skipping a continuation of a compressed
     * message would make Netty's deflater throw.
     */
    static WebSocketExtensionFilterProvider minSizeFilter(int minMessageSize) {
        WebSocketExtensionFilter encoder = minMessageSize == 0 ? WebSocketExtensionFilter.NEVER_SKIP
                : frame -> (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)
                        && frame.content().readableBytes() < minMessageSize;
        return new WebSocketExtensionFilterProvider() {
            @Override
            public WebSocketExtensionFilter encoderFilter() {
                return encoder;
            }

            @Override
            public WebSocketExtensionFilter decoderFilter() {
                return WebSocketExtensionFilter.NEVER_SKIP;
            }
        };
    }
}
