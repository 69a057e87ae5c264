package io.tether.testkit;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate payloads (RFC 7692 7.2) made and read with the JDK's zlib, for tests that
 * play a compressing peer on a {@link RawWebSocket}. One instance is one direction of one
 * connection: with context takeover its dictionary carries over from message to message, as the
 * RFC's default says. Not thread-safe.
 */
public final class Deflate implements AutoCloseable {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);

    /** {@code data} deflated as one message: a sync flush, minus the 4-byte tail RFC 7692 drops. */
    public byte[] compress(byte[] data) {
        byte[] all = flushed(data);
        if (all.length < TAIL.length) {
            // Nothing new to flush (an empty message right after a flush): RFC 7692 7.2.3.6's
            // single 0x00 byte stands for an empty message.
            return new byte[] {0};
        }
        return java.util.Arrays.copyOf(all, all.length - TAIL.length);
    }

    /**
     * One message deflated in parts, one fragment's payload for each: every part is flushed, so
     * each fragment inflates to exactly its part, and only the last loses the tail.
     */
    public byte[][] compressFragments(byte[]... parts) {
        byte[][] fragments = new byte[parts.length][];
        for (int i = 0; i < parts.length - 1; i++) {
            fragments[i] = flushed(parts[i]);
        }
        fragments[parts.length - 1] = compress(parts[parts.length - 1]);
        return fragments;
    }

    private byte[] flushed(byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        int n;
        do {
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, n);
        } while (n == chunk.length);
        return out.toByteArray();
    }

    /**
     * A message of {@code size} zero bytes, deflated (level 9: about 1000 to 1): what a
     * decompression bomb sends. Streams the zeros, so a gigabyte costs no gigabyte of memory here.
     */
    public static byte[] zeros(long size) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        for (long left = size; left > 0; left -= zeros.length) {
            d.setInput(zeros, 0, (int) Math.min(zeros.length, left));
            while (!d.needsInput()) {
                out.write(chunk, 0, d.deflate(chunk, 0, chunk.length, Deflater.NO_FLUSH));
            }
        }
        int n;
        do {
            n = d.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, n);
        } while (n == chunk.length);
        d.end();
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - TAIL.length);
    }

    /** A compressed message's payload inflated (the tail appended back). */
    public byte[] decompress(byte[] payload) {
        byte[] input = java.util.Arrays.copyOf(payload, payload.length + TAIL.length);
        System.arraycopy(TAIL, 0, input, payload.length, TAIL.length);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        try {
            while (!inflater.needsInput()) {
                out.write(chunk, 0, inflater.inflate(chunk));
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not deflate data: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        deflater.end();
        inflater.end();
    }
}
