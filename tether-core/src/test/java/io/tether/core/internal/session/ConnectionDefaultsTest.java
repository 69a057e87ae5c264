package io.tether.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The default methods of WebSocketConnection that transports may override for speed. */
class ConnectionDefaultsTest {

    @Test
    void sendBinaryOfAView_sendsTheRemainingBytes_andLeavesThePosition() {
        CapturingConnection connection = new CapturingConnection();
        ByteBuffer ack = FrameCodec.encode(new Frame.Ack(42));
        ByteBuffer framed = ByteBuffer.allocate(ack.remaining() + 2).put((byte) 0xEE).put(ack).put((byte) 0xEE);
        ByteBuffer view = framed.position(1).limit(framed.capacity() - 1);

        connection.sendBinary(view);

        assertThat(connection.frames).containsExactly(new Frame.Ack(42));
        assertThat(view.position()).isEqualTo(1);
    }

    @Test
    void handshake_ofAnImplementationWithoutOne_isBuiltFromPathAddressAndSubprotocol() {
        CapturingConnection connection = new CapturingConnection();

        var handshake = connection.handshake();

        assertThat(handshake.path()).isEqualTo("/");
        assertThat(handshake.remoteAddress()).isEqualTo(connection.remoteAddress());
        assertThat(handshake.subprotocol()).isEqualTo("tether.v1");
        assertThat(handshake.headerCount()).isZero();
        assertThat(connection.attributes()).isEmpty();
    }

    @Test
    void sendBinaryUnconfirmed_joinsHeaderAndBody_intoOneMessage() {
        CapturingConnection connection = new CapturingConnection();
        byte[] body = "hi".getBytes(StandardCharsets.UTF_8);

        connection.sendBinaryUnconfirmed(FrameCodec.dataHeader(3, 2, false), body);

        assertThat(connection.frames).containsExactly(new Frame.Data(3, 2, false, ByteBuffer.wrap(body)));
    }
}
