package io.tether.core;

import io.tether.core.internal.transport.Utf8Text;
import java.nio.ByteBuffer;

/**
 * A text message encoded to UTF-8 once, to be sent to many: pass the same instance to the
 * {@code sendText} of every session or connection, and Tether sends those bytes instead of
 * encoding the text again for each recipient. Every recipient's replay buffer (and the frames of
 * plain connections) then share one array: a broadcast to N costs one encode and N writes, and
 * holds one copy of the payload however large N is. The server's {@code Rooms} does this
 * for every room message.
 *
 * <p>It is a {@link CharSequence} with the text's characters, so it goes wherever a text does; a
 * recipient that is not Tether's sees only the characters. Immutable and thread-safe.
 */
public sealed interface EncodedText extends CharSequence permits Utf8Text {

    /**
     * Encodes {@code text} now. Unpaired surrogates become {@code '?'}, as
     * {@link String#getBytes(java.nio.charset.Charset)} does; an {@code EncodedText} is returned as is.
     *
     * @throws NullPointerException when {@code text} is null
     */
    static EncodedText of(CharSequence text) {
        return Utf8Text.of(text);
    }

    /** The length of the encoded text in bytes (what a frame carries), not in characters. */
    int utf8Length();

    /** The encoded bytes, as a read-only view (position 0, limit {@link #utf8Length()}); each call a new view. */
    ByteBuffer utf8();

    /** The text. */
    @Override
    String toString();
}
