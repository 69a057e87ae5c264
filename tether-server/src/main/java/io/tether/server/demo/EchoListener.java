package io.tether.server.demo;

import io.tether.core.WebSocketConnection;
import io.tether.core.internal.transport.TransportListener;
import java.nio.ByteBuffer;

/** An endpoint listener that sends every message back to its sender, text as text, binary as binary. */
public final class EchoListener implements TransportListener {
    @Override
    public void onText(WebSocketConnection connection, String text) {
        connection.sendText(text);
    }

    @Override
    public void onBinary(WebSocketConnection connection, byte[] data) {
        connection.sendBinary(data);
    }

    /** Straight from the received view to the outgoing buffer: one copy, no array in between. */
    @Override
    public void onBinaryView(WebSocketConnection connection, ByteBuffer data) {
        connection.sendBinary(data);
    }
}
