package io.tether.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text of one broadcast message, {@code size} ASCII bytes: a phase letter, the publisher's
 * counter in 8 hex digits, its send time ({@link System#nanoTime()}) in 16, then padding. Read and
 * written in place in the frame's buffer: at a million deliveries a second the generator cannot
 * afford a String per message.
 */
final class BroadcastMessage {
    /** Phase letters: sent while members join, during the warm-up, in the measured window. */
    static final byte PROBE = 'p';
    static final byte WARMUP = 'w';
    static final byte MEASURED = 'm';
    /** Bytes before the padding: the smallest message. */
    static final int HEADER = 1 + 8 + 16;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final int size;
    private final byte[] padding;

    /** Messages of {@code size} bytes, at least {@link #HEADER}. */
    BroadcastMessage(int size) {
        if (size < HEADER) {
            throw new IllegalArgumentException("a broadcast message needs at least " + HEADER + " bytes, was " + size);
        }
        this.size = size;
        this.padding = new byte[size - HEADER];
        Arrays.fill(padding, (byte) '.');
    }

    int size() {
        return size;
    }

    /** Writes message {@code counter} of {@code phase}, sent at {@code sentAt}. */
    void write(ByteBuf buf, byte phase, long counter, long sentAt) {
        buf.writeByte(phase);
        writeHex(buf, counter, 8);
        writeHex(buf, sentAt, 16);
        buf.writeBytes(padding);
    }

    /**
     * The phase letter of the message at {@code content}'s reader index, or 0 if it is not one of
     * ours whole (wrong length, phase or digits): a mix-up on the server's side.
     */
    byte phase(ByteBuf content) {
        if (content.readableBytes() != size) {
            return 0;
        }
        int at = content.readerIndex();
        byte p = content.getByte(at);
        if (p != PROBE && p != WARMUP && p != MEASURED) {
            return 0;
        }
        for (int i = 1; i < HEADER; i++) {
            if (digit(content.getByte(at + i)) < 0) {
                return 0;
            }
        }
        return p;
    }

    /** The counter of a message {@link #phase} accepted. */
    static long counter(ByteBuf content) {
        return readHex(content, content.readerIndex() + 1, 8);
    }

    /** The send time of a message {@link #phase} accepted. */
    static long sentAt(ByteBuf content) {
        return readHex(content, content.readerIndex() + 9, 16);
    }

    private static void writeHex(ByteBuf buf, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            buf.writeByte(HEX[(int) (value >>> (4 * i)) & 0xf]);
        }
    }

    private static long readHex(ByteBuf buf, int at, int digits) {
        long v = 0;
        for (int i = 0; i < digits; i++) {
            v = v << 4 | digit(buf.getByte(at + i));
        }
        return v;
    }

    private static int digit(byte c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
