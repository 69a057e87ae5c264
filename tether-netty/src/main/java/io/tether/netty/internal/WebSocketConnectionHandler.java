package io.tether.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tether.core.CloseCodes;
import io.tether.core.ConnectionClosedException;
import io.tether.core.EncodedText;
import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import io.tether.core.ProtocolViolationException;
import io.tether.core.RoundTripTime;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatTimeoutException;
import io.tether.core.internal.transport.TransportConnection;
import io.tether.core.internal.transport.Utf8Text;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection after its opening handshake, on either side: the last handler of the pipeline and
 * the {@link WebSocketConnection} the application holds. It turns frames into listener calls, runs
 * the closing handshake (RFC 6455 section 7), refuses data writes once a Close frame went out, and
 * reports exactly one terminal event. All state changes happen on the channel's event loop; the
 * public methods may be called from any thread.
 */
public final class WebSocketConnectionHandler extends ChannelDuplexHandler implements TransportConnection {
    public static final String NAME = "tether-connection";
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnectionHandler.class);
    /**
     * Up to this many payload bytes Netty's frame encoder copies an unmasked payload into one buffer
     * with the frame header (its gathering-write threshold); above it, it writes the payload as is.
     */
    private static final int SMALL_MESSAGE = 1024;
    /** A text of at most this many chars is at most {@link #SMALL_MESSAGE} bytes in UTF-8. */
    private static final int SMALL_TEXT_CHARS = SMALL_MESSAGE / 3;

    private final Channel channel;
    private final ConnectionSettings settings;
    private final ListenerInvoker listener;
    /** Also the source of path and subprotocol, so the connection holds them once. */
    private final HandshakeRequest handshake;
    private final Map<String, Object> attributes;
    private final @Nullable Principal principal;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Written on the event loop only; volatile so senders on other threads can fail fast. */
    private volatile ConnectionState state = ConnectionState.OPEN;
    private volatile @Nullable HeartbeatHandler heartbeat;
    private boolean openReported;
    private boolean closeFrameReceived;
    private int closeCode = CloseCodes.NO_STATUS;
    private String closeReason = "";
    private @Nullable Throwable failure;
    private @Nullable ScheduledFuture<?> forceClose;
    /** Closed because it did not read fast enough (its inbound data is still taken). */
    private boolean slowReader;
    /** The inbound rate limit's theoretical arrival time (GCRA), event loop only. */
    private long inboundArrival;

    /**
     * @param handshake the opening handshake, with the selected subprotocol
     * @param attributes what the server's handshake gate attached (unmodifiable; {@code Map.of()} for none)
     */
    public WebSocketConnectionHandler(Channel channel, ConnectionSettings settings, WebSocketListener listener,
            HandshakeRequest handshake, Map<String, Object> attributes) {
        this(channel, settings, listener, handshake, attributes, null);
    }

    /**
     * @param handshake the opening handshake, with the selected subprotocol
     * @param attributes what the server's handshake gate attached (unmodifiable; {@code Map.of()} for none)
     * @param principal who the server's authenticator found the client to be; null for anonymous
     */
    public WebSocketConnectionHandler(Channel channel, ConnectionSettings settings, WebSocketListener listener,
            HandshakeRequest handshake, Map<String, Object> attributes, @Nullable Principal principal) {
        this.principal = principal;
        this.channel = Objects.requireNonNull(channel, "channel");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = new ListenerInvoker(Objects.requireNonNull(listener, "listener"), this);
        this.handshake = Objects.requireNonNull(handshake, "handshake");
        this.attributes = Objects.requireNonNull(attributes, "attributes");
    }

    void attachHeartbeat(HeartbeatHandler handler) {
        this.heartbeat = handler;
    }

    /** Reports {@code onOpen}; called by the handshake handler once the handshake completed. */
    public void fireOpen() {
        assert channel.eventLoop().inEventLoop();
        if (!openReported && state != ConnectionState.CLOSED) {
            openReported = true;
            listener.onOpen();
        }
    }

    // ---- inbound -------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        fireOpen();
        if (settings.flow().limitsInbound() && (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)
                && overInboundRate(ctx)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof WebSocketFrame frame && !frame.isFinalFragment()
                && (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)) {
            // The first fragment of a message: from here on the aggregator owns the frame and
            // passes the joined message back to this handler.
            FramePipeline.aggregateFrom(ctx, frame, settings.maxMessageSize());
            return;
        }
        try {
            if (msg instanceof TextWebSocketFrame text) {
                if (acceptsData()) {
                    settings.meter().messageReceived();
                    listener.onText(text.text());
                }
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                if (acceptsData()) {
                    settings.meter().messageReceived();
                    // A view, not a copy: the frame is released only after the listener returns.
                    listener.onBinaryView(binary.content().nioBuffer());
                }
            } else if (msg instanceof PingWebSocketFrame ping) {
                // RFC 6455 5.5.2: answer pings until the peer's Close has arrived.
                if (!closeFrameReceived && state != ConnectionState.CLOSED) {
                    ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                }
            } else if (msg instanceof CloseWebSocketFrame close) {
                onCloseFrame(ctx, close);
            }
            // Unsolicited pongs (heartbeats off) and anything else: nothing to do.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Takes a token for one more message (its first frame); when there is none, closes with 1008
     * and returns true. Messages that arrive after that are dropped like any after our Close.
     */
    private boolean overInboundRate(ChannelHandlerContext ctx) {
        if (state != ConnectionState.OPEN) {
            return false;
        }
        FlowLimits flow = settings.flow();
        long now = ctx.executor().ticker().nanoTime();
        long arrival = Math.max(inboundArrival, now);
        if (arrival - now > flow.inboundToleranceNanos()) {
            log.debug("{} sends faster than {} messages/s, closing with 1008", id(), flow.inboundPerSecond());
            failWithClose(ctx, CloseCodes.POLICY_VIOLATION,
                    "message rate above " + formatRate(flow.inboundPerSecond()) + "/s");
            return true;
        }
        inboundArrival = arrival + flow.inboundIntervalNanos();
        return false;
    }

    private static String formatRate(double perSecond) {
        return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
    }

    /**
     * Data still arrives after this side sent Close: the peer sent it before seeing our Close, and
     * dropping it would lose messages. Only the peer's own Close ends the inbound stream.
     */
    private boolean acceptsData() {
        // A reader closed for being slow did nothing wrong: what it sent before seeing our Close
        // (a tether.v1 client's acknowledgements) still counts.
        return state == ConnectionState.OPEN || state == ConnectionState.CLOSE_SENT && (failure == null || slowReader);
    }

    private void onCloseFrame(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
        closeFrameReceived = true;
        if (state == ConnectionState.OPEN) {
            int code = frame.statusCode();
            closeCode = code < 0 ? CloseCodes.NO_STATUS : code;
            closeReason = code < 0 ? "" : frame.reasonText();
            state = ConnectionState.CLOSE_RECEIVED;
            // RFC 6455 5.5.1: echo the status code; an empty close answers an empty close.
            CloseWebSocketFrame echo = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
            ctx.writeAndFlush(echo).addListener(f -> finishClose(ctx));
        } else if (state == ConnectionState.CLOSE_SENT) {
            finishClose(ctx);
        }
    }

    /** The closing handshake is done: the server closes TCP now, the client gives it a moment. */
    private void finishClose(ChannelHandlerContext ctx) {
        if (settings.client()) {
            scheduleForceClose(ctx);
        } else {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HeartbeatTimeoutException) {
            log.debug("{} {}", id(), cause.getMessage());
            recordFailure(cause);
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            // Netty's decoder or UTF-8 validator already sent the close frame and is closing.
            int code = corrupted.closeStatus().code();
            log.debug("{} peer broke the protocol: {} ({})", id(), cause.getMessage(), code);
            recordFailure(new ProtocolViolationException(code, String.valueOf(cause.getMessage())));
            // No ctx.close() here: it could cut off the Close frame Netty is still writing.
            state = ConnectionState.CLOSE_SENT;
        } else if (cause instanceof TooLongFrameException) {
            log.debug("{} message over the limit: {}", id(), cause.getMessage());
            failWithClose(ctx, CloseCodes.MESSAGE_TOO_BIG,
                    "message larger than " + settings.maxMessageSize() + " bytes");
        } else if (cause instanceof PrematureChannelClosureException) {
            log.debug("{} closed in the middle of a fragmented message", id());
            recordFailure(new ConnectionClosedException(CloseCodes.ABNORMAL, "closed inside a fragmented message"));
        } else if (cause instanceof java.io.IOException || cause instanceof javax.net.ssl.SSLException
                || cause.getCause() instanceof javax.net.ssl.SSLException) {
            log.debug("{} connection error: {}", id(), cause.toString());
            // The application sees a Tether type; the transport's exception stays as its cause.
            recordFailure(new io.tether.core.ConnectionResetException("connection failed: " + cause.getMessage(), cause));
            ctx.close();
        } else {
            log.warn("{} unexpected error, closing with 1011", id(), cause);
            failWithClose(ctx, CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private void failWithClose(ChannelHandlerContext ctx, int code, String reason) {
        recordFailure(new ProtocolViolationException(code, reason));
        if (state == ConnectionState.OPEN) {
            state = ConnectionState.CLOSE_SENT;
            ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private void recordFailure(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Clean only if the peer's Close arrived: an unanswered Close is a failure (1006).
        boolean cleanClose = closeFrameReceived;
        boolean closeUnanswered = state == ConnectionState.CLOSE_SENT;
        state = ConnectionState.CLOSED;
        ScheduledFuture<?> timer = forceClose;
        if (timer != null) {
            timer.cancel(false);
        }
        if (openReported) {
            Throwable cause = failure;
            if (cause != null) {
                listener.onFailure(cause);
            } else if (cleanClose) {
                listener.onClosed(closeCode, closeReason);
            } else {
                listener.onFailure(new ConnectionClosedException(CloseCodes.ABNORMAL, closeUnanswered
                        ? "the peer did not answer our Close frame" : "connection lost without a close frame"));
            }
        }
        settings.onClosed().accept(this);
        closed.complete(null);
        super.channelInactive(ctx);
    }

    // ---- outbound ------------------------------------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        boolean data = msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                || msg instanceof ContinuationWebSocketFrame;
        if (data && state != ConnectionState.OPEN) {
            // RFC 6455 5.5.1: no data frame after a Close frame, in either direction.
            ReferenceCountUtil.release(msg);
            promise.setFailure(closedException());
            return;
        }
        if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
            settings.meter().messageSent();
        }
        super.write(ctx, msg, promise);
        long max = settings.flow().maxQueuedBytes();
        if (data && max > 0) {
            ChannelOutboundBuffer queued = ctx.channel().unsafe().outboundBuffer();
            if (queued != null && queued.totalPendingWriteBytes() > max) {
                closeSlowReader(ctx, queued.totalPendingWriteBytes());
            }
        }
    }

    /**
     * The peer does not read what we send fast enough: more than the limit waits in the socket
     * buffer. Close with 1013; the Close frame waits behind the queue, so the connection is cut
     * after the close timeout if the peer never reads it. Only this connection is affected.
     */
    private void closeSlowReader(ChannelHandlerContext ctx, long pending) {
        String reason = "reader too slow: " + pending + " bytes waiting; retry-after=1s";
        log.debug("{} {}", id(), reason);
        recordFailure(new ConnectionClosedException(CloseCodes.TRY_AGAIN_LATER, reason));
        slowReader = true;
        closeCode = CloseCodes.TRY_AGAIN_LATER;
        closeReason = reason;
        state = ConnectionState.CLOSE_SENT;
        ctx.writeAndFlush(new CloseWebSocketFrame(CloseCodes.TRY_AGAIN_LATER, reason));
        scheduleForceClose(ctx);
    }

    @Override
    public CompletionStage<Void> sendText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        if (state != ConnectionState.OPEN) {
            return CompletableFuture.failedFuture(closedException());
        }
        // An EncodedText is sent as the bytes it already has (wrapped, not copied: every
        // recipient of a broadcast shares them). A small text goes to a heap array too: the frame
        // encoder copies a small payload next to its header into a buffer of its own anyway, and a
        // pooled buffer only to be copied and released cost more than the encode (profiled). A
        // large one is encoded into a pooled buffer, which the encoder writes without a copy.
        ByteBuf content = text instanceof EncodedText || text.length() <= SMALL_TEXT_CHARS
                ? Unpooled.wrappedBuffer(Utf8Text.bytesOf(text))
                : ByteBufUtil.writeUtf8(channel.alloc(), text);
        return send(new TextWebSocketFrame(content));
    }

    @Override
    public CompletionStage<Void> sendBinary(byte[] data) {
        return sendBinary(ByteBuffer.wrap(Objects.requireNonNull(data, "data")));
    }

    @Override
    public CompletionStage<Void> sendBinary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (state != ConnectionState.OPEN) {
            return CompletableFuture.failedFuture(closedException());
        }
        return send(new BinaryWebSocketFrame(channel.alloc().buffer(data.remaining()).writeBytes(data.duplicate())));
    }

    @Override
    public void sendBinaryUnconfirmed(ByteBuffer header, byte[] body) {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
        if (state != ConnectionState.OPEN) {
            return;
        }
        int length = header.remaining() + body.length;
        ByteBuf buf;
        if (length <= SMALL_MESSAGE) {
            // As for a small text (sendText): below the encoder's copy threshold, a heap array —
            // wrapped, not from Unpooled.buffer, whose allocator counts every array in a shared
            // LongAdder (13 % of a fan-out's CPU in JFR).
            byte[] joined = new byte[length];
            header.duplicate().get(joined, 0, header.remaining());
            System.arraycopy(body, 0, joined, length - body.length, body.length);
            buf = Unpooled.wrappedBuffer(joined);
        } else {
            buf = channel.alloc().buffer(length).writeBytes(header.duplicate()).writeBytes(body);
        }
        // A promise nobody listens to: a write that fails here (the connection closed meanwhile)
        // needs no report of its own, the close is reported to the listener. The void promise
        // would turn that failure into an exceptionCaught.
        channel.writeAndFlush(new BinaryWebSocketFrame(buf), channel.newPromise());
    }

    private CompletionStage<Void> send(Object frame) {
        return new WriteStage(channel.writeAndFlush(frame),
                cause -> cause instanceof ConnectionClosedException ? cause : closedException());
    }

    private ConnectionClosedException closedException() {
        int code = state == ConnectionState.OPEN ? CloseCodes.ABNORMAL : closeCode;
        return new ConnectionClosedException(code, closeReason);
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        CloseCodes.requireValid(code, reason);
        if (state != ConnectionState.CLOSED) {
            try {
                channel.eventLoop().execute(() -> startClose(code, reason));
            } catch (RejectedExecutionException e) {
                // The event loop is gone, so is the connection: nothing left to close.
                channel.close();
            }
        }
        return closed.copy();
    }

    private void startClose(int code, String reason) {
        ChannelHandlerContext ctx = channel.pipeline().context(this);
        if (state != ConnectionState.OPEN || ctx == null) {
            return;
        }
        // Code and reason before the (volatile) state, so a sender that sees CLOSE_SENT reads them.
        closeCode = code;
        closeReason = reason;
        state = ConnectionState.CLOSE_SENT;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        scheduleForceClose(ctx);
    }

    private void scheduleForceClose(ChannelHandlerContext ctx) {
        if (forceClose == null) {
            forceClose = ctx.executor().schedule(() -> {
                ctx.close();
            }, settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closed.copy();
    }

    // ---- accessors -----------------------------------------------------------------------------

    /**
     * Why the connection ended, as a low-cardinality word for metrics: {@code clean} (a close
     * handshake, either side), {@code drain} (we closed with 1012), {@code credentials_expired}
     * (4001), {@code heartbeat_timeout}, {@code reset} (TCP error), {@code protocol_error} (1002,
     * 1003, 1007 either way), {@code slow_consumer} (1013: it did not read what we sent),
     * {@code limit} (1008, 1009, 1013 we sent: a rate, a size), {@code lost} (no Close frame), {@code internal_error} (1011). Meaningful once closed;
     * event loop.
     */
    /** Every word {@link #endCause()} answers, for meters registered before the first of each. */
    public static final java.util.List<String> END_CAUSES = java.util.List.of("clean", "drain", "credentials_expired",
            "heartbeat_timeout", "reset", "protocol_error", "slow_consumer", "limit", "internal_error", "lost");

    public String endCause() {
        // (drain and credentials_expired count whether or not the peer answered the Close)
        Throwable f = failure;
        if (f instanceof HeartbeatTimeoutException) {
            return "heartbeat_timeout";
        }
        if (slowReader) {
            return "slow_consumer";
        }
        if (f instanceof io.tether.core.ConnectionResetException) {
            return "reset";
        }
        int code = f instanceof ProtocolViolationException p ? p.code()
                : f instanceof ConnectionClosedException c ? c.code() : closeCode;
        if (f == null && closeCode == CloseCodes.SERVICE_RESTART) {
            return "drain"; // whether or not the peer answered our 1012 before going
        }
        if (f == null && closeCode == CloseCodes.CREDENTIALS_EXPIRED) {
            return "credentials_expired";
        }
        if (f != null || !closeFrameReceived) {
            return switch (code) {
                case CloseCodes.PROTOCOL_ERROR, CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD -> "protocol_error";
                case CloseCodes.POLICY_VIOLATION, CloseCodes.MESSAGE_TOO_BIG, CloseCodes.TRY_AGAIN_LATER -> "limit";
                case CloseCodes.INTERNAL_ERROR -> "internal_error";
                default -> "lost";
            };
        }
        return switch (closeCode) {
            case CloseCodes.SERVICE_RESTART -> "drain";
            case CloseCodes.CREDENTIALS_EXPIRED -> "credentials_expired";
            default -> "clean";
        };
    }

    @Override
    public String id() {
        return channel.id().asShortText();
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public String path() {
        return handshake.path();
    }

    @Override
    public @Nullable String subprotocol() {
        return handshake.subprotocol();
    }

    @Override
    public HandshakeRequest handshake() {
        return handshake;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    @Override
    public boolean isOpen() {
        return state == ConnectionState.OPEN;
    }

    @Override
    public void setLivenessGrace(java.time.Duration grace) {
        HeartbeatHandler h = heartbeat;
        if (h != null) {
            h.setGraceNanos(Math.max(0, grace.toNanos()));
        }
    }

    @Override
    public Optional<RoundTripTime> roundTripTime() {
        HeartbeatHandler h = heartbeat;
        return h == null ? Optional.empty() : h.roundTripTime();
    }

    @Override
    public String toString() {
        return "WebSocketConnection[" + id() + " " + handshake.path() + " " + state + "]";
    }
}
