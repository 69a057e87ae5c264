package io.tether.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;

/**
 * The client half of {@code tether.v1} as the load generators speak it: HELLO on connect, then
 * DATA frames numbered from 1 with the cumulative ack piggybacked, and ACK frames. No resume and
 * no replay of its own: a benchmark connection that drops is a failed run. Just enough protocol
 * that the server's session code runs as it would for a real client, at a fraction of a real
 * client's cost on the generator's side. One per connection, used on its event loop only.
 */
final class V1Client {
    /** What an incoming frame was. */
    enum Kind { WELCOME, DATA, OTHER }

    /** Bytes of a DATA frame before its payload. */
    static final int DATA_HEADER = FrameCodec.DATA_HEADER;

    private long seq;
    private long lastReceived;
    private long acked;

    /** The HELLO of a new session. */
    static BinaryWebSocketFrame hello() {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(FrameCodec.encode(new Frame.Hello(1, 0, "", ""))));
    }

    /**
     * Writes the header of the next DATA frame into {@code buf} (its payload goes after it); it
     * acknowledges everything received so far.
     */
    void writeDataHeader(ByteBuf buf, boolean binary) {
        buf.writeByte(FrameCodec.DATA).writeByte(binary ? FrameCodec.FLAG_BINARY : 0)
                .writeLong(++seq).writeLong(lastReceived);
        acked = lastReceived;
    }

    /**
     * Reads the type of an incoming frame; a DATA frame's number is noted for the next ack and
     * {@code content} is left at its payload. ACK, PONG and the rest are {@link Kind#OTHER}.
     */
    Kind read(ByteBuf content) {
        byte type = content.getByte(content.readerIndex());
        if (type == FrameCodec.WELCOME) {
            return Kind.WELCOME;
        }
        if (type != FrameCodec.DATA) {
            return Kind.OTHER;
        }
        lastReceived = content.getLong(content.readerIndex() + 2);
        content.skipBytes(DATA_HEADER);
        return Kind.DATA;
    }

    /** DATA frames received and not yet acknowledged. */
    long unacked() {
        return lastReceived - acked;
    }

    /** An ACK of everything received so far. */
    BinaryWebSocketFrame ack() {
        acked = lastReceived;
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(FrameCodec.encode(new Frame.Ack(lastReceived))));
    }
}
