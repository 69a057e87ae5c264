package io.tether.core.internal.transport;

import io.tether.core.EncodedText;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The one implementation of {@link EncodedText}: the text and its UTF-8 bytes. The array is shared
 * by everything that sends it (replay buffers, frames) and never written after construction.
 */
public final class Utf8Text implements EncodedText {
    private final String text;
    private final byte[] utf8;

    private Utf8Text(String text) {
        this.text = text;
        this.utf8 = text.getBytes(StandardCharsets.UTF_8);
    }

    /** See {@link EncodedText#of(CharSequence)}. */
    public static EncodedText of(CharSequence text) {
        Objects.requireNonNull(text, "text");
        return text instanceof EncodedText encoded ? encoded : new Utf8Text(text.toString());
    }

    /**
     * The UTF-8 bytes of {@code text}: the shared array of an {@link EncodedText} (which the caller
     * must never modify), else a new one.
     */
    public static byte[] bytesOf(CharSequence text) {
        return text instanceof Utf8Text encoded ? encoded.utf8 : text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int utf8Length() {
        return utf8.length;
    }

    @Override
    public ByteBuffer utf8() {
        return ByteBuffer.wrap(utf8).asReadOnlyBuffer();
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public boolean isEmpty() {
        return text.isEmpty();
    }

    /** Equal to another {@code EncodedText} of the same text (not to a String: CharSequence has no such contract). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Utf8Text that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
