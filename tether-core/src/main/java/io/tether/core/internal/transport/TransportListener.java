package io.tether.core.internal.transport;

import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import java.nio.ByteBuffer;

/**
 * A listener that can read a binary message as a view of the transport's memory, skipping the
 * copy into an array: for protocol layers that parse messages in place (tether.v1) and for
 * forwarding a message with a single copy ({@link WebSocketConnection#sendBinary(ByteBuffer)}).
 * Not API: applications implement {@link WebSocketListener}.
 */
public interface TransportListener extends WebSocketListener {

    /**
     * A complete binary message arrived, as a view of the transport's memory that is valid only
     * during this call and must not be modified. The default copies the message and calls
     * {@link #onBinary(WebSocketConnection, byte[])}.
     */
    default void onBinaryView(WebSocketConnection connection, ByteBuffer data) {
        onBinary(connection, copy(data));
    }

    /**
     * What the transport calls for a binary message: the view for a {@code TransportListener}, an
     * array of its own for any other listener. {@code data}'s position is left as it was.
     */
    static void deliverBinary(WebSocketListener listener, WebSocketConnection connection, ByteBuffer data) {
        if (listener instanceof TransportListener transport) {
            transport.onBinaryView(connection, data);
        } else {
            listener.onBinary(connection, copy(data));
        }
    }

    private static byte[] copy(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return copy;
    }
}
