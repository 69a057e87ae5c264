package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.internal.transport.TransportListener;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketListenerTest {

    @Test
    void defaultBinaryView_handsTheListenerItsOwnCopy_andLeavesTheViewUnread() {
        List<byte[]> received = new ArrayList<>();
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onBinary(WebSocketConnection connection, byte[] data) {
                received.add(data);
            }
        };
        ByteBuffer transportMemory = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9});
        ByteBuffer view = transportMemory.duplicate().position(1).limit(4);

        TransportListener.deliverBinary(listener, null, view);
        // The transport reuses its memory once the call returns: the listener's array must not change.
        transportMemory.put(1, (byte) 7);

        assertThat(received).hasSize(1);
        assertThat(received.get(0)).containsExactly(1, 2, 3);
        assertThat(view.position()).isEqualTo(1);
        assertThat(view.remaining()).isEqualTo(3);
    }
}
