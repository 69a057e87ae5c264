package io.tether.core.internal.protocol;

import io.tether.core.CloseCodes;
import io.tether.core.ProtocolViolationException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Byte layout of {@code tether.v1} frames (big-endian; docs/protocol.md has the tables). Decoding
 * malformed input throws {@link ProtocolViolationException} with close code 1002 and a message
 * that says what was wrong.
 */
public final class FrameCodec {
    public static final byte DATA = 0x01;
    public static final byte ACK = 0x02;
    public static final byte HELLO = 0x10;
    public static final byte WELCOME = 0x11;
    public static final byte PING = 0x20;
    public static final byte PONG = 0x21;
    public static final byte BACKGROUND = 0x22;
    public static final byte GOAWAY = 0x30;
    /** DATA flag: the payload is binary (else UTF-8 text). */
    public static final int FLAG_BINARY = 0x01;
    /**
     * DATA flag: the sender resends this message after a session reset, and an earlier copy may
     * have reached the receiving application (it was written to a connection whose ack was lost).
     */
    public static final int FLAG_POSSIBLE_DUPLICATE = 0x02;
    /** WELCOME flag: the requested session was resumed. */
    public static final int FLAG_RESUMED = 0x01;
    /** Size of the DATA header before the payload: type, flags, seq, ack. */
    public static final int DATA_HEADER = 1 + 1 + 8 + 8;
    private static final int MAX_STRING = 255;

    /** Scratch space for the headers of the write path; a frame header never outlives the call that sends it. */
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocate(DATA_HEADER));

    private FrameCodec() {
    }

    /**
     * The header of a DATA frame, to be followed by its payload: {@link #encode} without the copy
     * of the payload. The buffer belongs to the calling thread and is overwritten by its next call
     * of this method or {@link #ack}; copy it out before then.
     */
    public static ByteBuffer dataHeader(long seq, long ack, boolean binary) {
        return dataHeader(seq, ack, binary, false);
    }

    /** As {@link #dataHeader(long, long, boolean)}, with the possible-duplicate flag when asked. */
    public static ByteBuffer dataHeader(long seq, long ack, boolean binary, boolean possibleDuplicate) {
        ByteBuffer b = SCRATCH.get().clear();
        return b.put(DATA).put(dataFlags(binary, possibleDuplicate)).putLong(seq).putLong(ack).flip();
    }

    private static byte dataFlags(boolean binary, boolean possibleDuplicate) {
        return (byte) ((binary ? FLAG_BINARY : 0) | (possibleDuplicate ? FLAG_POSSIBLE_DUPLICATE : 0));
    }

    /** A whole ACK frame, in the same thread-owned scratch buffer as {@link #dataHeader}. */
    public static ByteBuffer ack(long ack) {
        return SCRATCH.get().clear().put(ACK).putLong(ack).flip();
    }

    /** Encodes {@code frame} into a new buffer, ready to read. */
    public static ByteBuffer encode(Frame frame) {
        ByteBuffer out;
        if (frame instanceof Frame.Data d) {
            out = ByteBuffer.allocate(DATA_HEADER + d.payload().remaining());
            out.put(DATA).put(dataFlags(d.binary(), d.possibleDuplicate())).putLong(d.seq()).putLong(d.ack())
                    .put(d.payload().duplicate());
        } else if (frame instanceof Frame.Ack a) {
            out = ByteBuffer.allocate(9).put(ACK).putLong(a.ack());
        } else if (frame instanceof Frame.Hello h) {
            byte[] id = bytes(h.sessionId(), "session id");
            byte[] token = bytes(h.token(), "token");
            out = ByteBuffer.allocate(1 + 1 + 8 + 1 + id.length + 1 + token.length);
            out.put(HELLO).put((byte) h.version()).putLong(h.lastReceived())
                    .put((byte) id.length).put(id).put((byte) token.length).put(token);
        } else if (frame instanceof Frame.Welcome w) {
            byte[] id = bytes(w.sessionId(), "session id");
            byte[] token = bytes(w.token(), "token");
            out = ByteBuffer.allocate(1 + 1 + 8 + 1 + id.length + 1 + token.length + 8);
            out.put(WELCOME).put((byte) (w.resumed() ? FLAG_RESUMED : 0)).putLong(w.lastReceived())
                    .put((byte) id.length).put(id).put((byte) token.length).put(token).putLong(w.ttlMillis());
        } else if (frame instanceof Frame.Ping p) {
            out = ByteBuffer.allocate(9).put(PING).putLong(p.stamp());
        } else if (frame instanceof Frame.Pong p) {
            out = ByteBuffer.allocate(9).put(PONG).putLong(p.stamp());
        } else if (frame instanceof Frame.Background bg) {
            out = ByteBuffer.allocate(2).put(BACKGROUND).put((byte) (bg.hidden() ? 1 : 0));
        } else {
            Frame.GoAway g = (Frame.GoAway) frame;
            byte[] reason = bytes(g.reason(), "reason");
            out = ByteBuffer.allocate(1 + 8 + 1 + reason.length);
            out.put(GOAWAY).putLong(g.retryAfterMillis()).put((byte) reason.length).put(reason);
        }
        return out.flip();
    }

    /**
     * Decodes one frame from the whole of {@code in}. A DATA payload is a view into {@code in},
     * not a copy.
     *
     * @throws ProtocolViolationException (1002) when the frame is truncated, has trailing bytes,
     *     an unknown type, or an invalid field
     */
    public static Frame decode(ByteBuffer in) {
        ByteBuffer b = in.duplicate();
        if (!b.hasRemaining()) {
            throw violation("empty frame");
        }
        byte type = b.get();
        try {
            Frame frame = switch (type) {
                case DATA -> decodeData(b);
                case ACK -> new Frame.Ack(nonNegative(b.getLong(), "ack"));
                case HELLO -> new Frame.Hello(b.get() & 0xff, nonNegative(b.getLong(), "last received"), string(b), string(b));
                case WELCOME -> decodeWelcome(b);
                case PING -> new Frame.Ping(b.getLong());
                case PONG -> new Frame.Pong(b.getLong());
                case BACKGROUND -> new Frame.Background(flag(b.get(), "BACKGROUND state"));
                case GOAWAY -> new Frame.GoAway(nonNegative(b.getLong(), "retry-after"), string(b));
                default -> throw violation(String.format("unknown frame type 0x%02x", type));
            };
            if (b.hasRemaining()) {
                throw violation(b.remaining() + " bytes after the end of a " + name(type) + " frame");
            }
            return frame;
        } catch (BufferUnderflowException e) {
            throw violation("truncated " + name(type) + " frame (" + in.remaining() + " bytes)");
        }
    }

    private static Frame.Data decodeData(ByteBuffer b) {
        int flags = b.get() & 0xff;
        if ((flags & ~(FLAG_BINARY | FLAG_POSSIBLE_DUPLICATE)) != 0) {
            throw violation("unknown DATA flags " + flags);
        }
        long seq = b.getLong();
        if (seq < 1) {
            throw violation("DATA sequence number must be at least 1, was " + seq);
        }
        long ack = nonNegative(b.getLong(), "ack");
        ByteBuffer payload = b.slice();
        b.position(b.limit());
        return new Frame.Data(seq, ack, (flags & FLAG_BINARY) != 0, (flags & FLAG_POSSIBLE_DUPLICATE) != 0, payload);
    }

    private static Frame.Welcome decodeWelcome(ByteBuffer b) {
        int flags = b.get() & 0xff;
        long lastReceived = nonNegative(b.getLong(), "last received");
        String id = string(b);
        String token = string(b);
        long ttl = nonNegative(b.getLong(), "ttl");
        if (id.isEmpty()) {
            throw violation("WELCOME without a session id");
        }
        return new Frame.Welcome((flags & FLAG_RESUMED) != 0, lastReceived, id, token, ttl);
    }

    private static boolean flag(byte value, String field) {
        if (value != 0 && value != 1) {
            throw violation(field + " must be 0 or 1, was " + value);
        }
        return value == 1;
    }

    private static long nonNegative(long value, String field) {
        if (value < 0) {
            throw violation(field + " must not be negative, was " + value);
        }
        return value;
    }

    private static String string(ByteBuffer b) {
        int length = b.get() & 0xff;
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s, String what) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING) {
            throw new IllegalArgumentException(what + " longer than " + MAX_STRING + " bytes");
        }
        return bytes;
    }

    static String name(byte type) {
        return switch (type) {
            case DATA -> "DATA";
            case ACK -> "ACK";
            case HELLO -> "HELLO";
            case WELCOME -> "WELCOME";
            case PING -> "PING";
            case PONG -> "PONG";
            case BACKGROUND -> "BACKGROUND";
            case GOAWAY -> "GOAWAY";
            default -> String.format("0x%02x", type);
        };
    }

    static ProtocolViolationException violation(String message) {
        return new ProtocolViolationException(CloseCodes.PROTOCOL_ERROR, "tether.v1: " + message);
    }
}
