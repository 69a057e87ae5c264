package io.tether.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FrameCodecTest {

    static Stream<Frame> frames() {
        return Stream.of(
                new Frame.Hello(1, 0, "", ""),
                new Frame.Hello(1, 42, "s-123", "tok"),
                new Frame.Welcome(true, 7, "s-123", "tok2", 120_000),
                new Frame.Welcome(false, 0, "s-9", "t", 0),
                new Frame.Ack(99),
                new Frame.Ping(123456789L),
                new Frame.Pong(-5),
                new Frame.GoAway(1500, "server restarting"),
                new Frame.Background(true),
                new Frame.Background(false));
    }

    @ParameterizedTest
    @MethodSource("frames")
    void roundTrip(Frame frame) {
        assertThat(FrameCodec.decode(FrameCodec.encode(frame))).isEqualTo(frame);
    }

    @Test
    void writePathHeaders_areTheSameBytesAsEncode() {
        byte[] payload = "héllo".getBytes(StandardCharsets.UTF_8);
        for (boolean binary : new boolean[] {false, true}) {
            ByteBuffer header = FrameCodec.dataHeader(7, 3, binary);
            ByteBuffer joined = ByteBuffer.allocate(header.remaining() + payload.length).put(header).put(payload).flip();
            assertThat(joined).isEqualTo(FrameCodec.encode(new Frame.Data(7, 3, binary, ByteBuffer.wrap(payload))));
        }
        assertThat(FrameCodec.ack(99)).isEqualTo(FrameCodec.encode(new Frame.Ack(99)));
        // The scratch buffer is reused: the next header overwrites the last.
        ByteBuffer first = FrameCodec.dataHeader(1, 0, false);
        ByteBuffer second = FrameCodec.dataHeader(2, 0, false);
        assertThat(first).isSameAs(second);
        assertThat(FrameCodec.decode(ByteBuffer.allocate(18).put(second.duplicate()).flip()))
                .isEqualTo(new Frame.Data(2, 0, false, ByteBuffer.allocate(0)));
    }

    @Test
    void possibleDuplicateFlag_roundTrips_andTheWritePathHeaderCarriesIt() {
        for (boolean binary : new boolean[] {false, true}) {
            Frame.Data flagged = new Frame.Data(9, 4, binary, true, ByteBuffer.wrap(new byte[] {1, 2}));
            ByteBuffer encoded = FrameCodec.encode(flagged);
            assertThat(encoded.get(1) & 0xff).isEqualTo((binary ? FrameCodec.FLAG_BINARY : 0) | FrameCodec.FLAG_POSSIBLE_DUPLICATE);
            assertThat(FrameCodec.decode(encoded)).isEqualTo(flagged);
            ByteBuffer header = FrameCodec.dataHeader(9, 4, binary, true);
            assertThat(ByteBuffer.allocate(20).put(header).put(new byte[] {1, 2}).flip()).isEqualTo(encoded);
        }
    }

    @Test
    void dataRoundTrip_textAndBinary_payloadIsAView() {
        for (boolean binary : new boolean[] {false, true}) {
            byte[] payload = "héllo".getBytes(StandardCharsets.UTF_8);
            ByteBuffer encoded = FrameCodec.encode(new Frame.Data(5, 3, binary, ByteBuffer.wrap(payload)));
            assertThat(encoded.remaining()).isEqualTo(FrameCodec.DATA_HEADER + payload.length);
            Frame.Data d = (Frame.Data) FrameCodec.decode(encoded);
            assertThat(d.seq()).isEqualTo(5);
            assertThat(d.ack()).isEqualTo(3);
            assertThat(d.binary()).isEqualTo(binary);
            byte[] back = new byte[d.payload().remaining()];
            d.payload().get(back);
            assertThat(back).isEqualTo(payload);
        }
    }

    @Test
    void everyTruncation_isRejectedWith1002() {
        for (Frame frame : frames().toList()) {
            byte[] whole = toArray(FrameCodec.encode(frame));
            for (int n = 0; n < whole.length; n++) {
                byte[] cut = Arrays.copyOf(whole, n);
                assertThatThrownBy(() -> FrameCodec.decode(ByteBuffer.wrap(cut)))
                        .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.code()).isEqualTo(1002));
            }
        }
    }

    @Test
    void malformedFrames_sayWhatIsWrong() {
        assertThat(reject(new byte[] {0x7f})).contains("unknown frame type 0x7f");
        assertThat(reject(new byte[] {})).contains("empty frame");
        byte[] ackWithTrailer = Arrays.copyOf(toArray(FrameCodec.encode(new Frame.Ack(1))), 10);
        assertThat(reject(ackWithTrailer)).contains("1 bytes after the end of a ACK frame");
        byte[] data = toArray(FrameCodec.encode(new Frame.Data(1, 0, false, ByteBuffer.allocate(0))));
        data[1] = 0x04;
        assertThat(reject(data)).contains("unknown DATA flags");
        byte[] seqZero = toArray(FrameCodec.encode(new Frame.Data(1, 0, false, ByteBuffer.allocate(0))));
        seqZero[9] = 0;
        assertThat(reject(seqZero)).contains("sequence number must be at least 1");
        byte[] negativeAck = toArray(FrameCodec.encode(new Frame.Ack(-1)));
        assertThat(reject(negativeAck)).contains("ack must not be negative");
    }

    private static String reject(byte[] bytes) {
        try {
            FrameCodec.decode(ByteBuffer.wrap(bytes));
        } catch (ProtocolViolationException e) {
            assertThat(e.code()).isEqualTo(1002);
            return e.getMessage();
        }
        throw new AssertionError("accepted " + Arrays.toString(bytes));
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
