package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.internal.transport.Utf8Text;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodedTextTest {

    @Test
    void holdsTheTextAndItsUtf8Bytes() {
        EncodedText text = EncodedText.of("naïve ☃ 𝄞");
        assertThat(text.toString()).isEqualTo("naïve ☃ 𝄞");
        assertThat(text.length()).isEqualTo("naïve ☃ 𝄞".length());
        assertThat(text.charAt(2)).isEqualTo('ï');
        assertThat(text.subSequence(0, 5).toString()).isEqualTo("naïve");
        byte[] expected = "naïve ☃ 𝄞".getBytes(StandardCharsets.UTF_8);
        assertThat(text.utf8Length()).isEqualTo(expected.length);
        ByteBuffer view = text.utf8();
        byte[] read = new byte[view.remaining()];
        view.get(read);
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void theViewIsReadOnly_andEachCallIsFresh() {
        EncodedText text = EncodedText.of("abc");
        ByteBuffer first = text.utf8();
        assertThatThrownBy(() -> first.put(0, (byte) 'x')).isInstanceOf(ReadOnlyBufferException.class);
        first.get();
        assertThat(text.utf8().position()).isZero();
    }

    @Test
    void encodingAnEncodedTextReturnsIt_andSharesItsArray() {
        EncodedText text = EncodedText.of(new StringBuilder("shared"));
        assertThat(EncodedText.of(text)).isSameAs(text);
        assertThat(Utf8Text.bytesOf(text)).isSameAs(Utf8Text.bytesOf(text));
        assertThat(Utf8Text.bytesOf("shared")).isNotSameAs(Utf8Text.bytesOf("shared")).isEqualTo(Utf8Text.bytesOf(text));
    }

    @Test
    void anUnpairedSurrogateBecomesAQuestionMark_asStringGetBytesDoes() {
        EncodedText text = EncodedText.of("a\uD800b");
        assertThat(text.utf8Length()).isEqualTo(3);
        assertThat(text.utf8().get(1)).isEqualTo((byte) '?');
    }

    @Test
    void equalByText_amongEncodedTexts() {
        assertThat(EncodedText.of("x")).isEqualTo(EncodedText.of("x")).hasSameHashCodeAs(EncodedText.of("x"))
                .isNotEqualTo(EncodedText.of("y"));
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> EncodedText.of(null)).isInstanceOf(NullPointerException.class).hasMessage("text");
    }
}
