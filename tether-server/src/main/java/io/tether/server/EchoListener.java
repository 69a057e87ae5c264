package io.tether.server;

import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;

/** An endpoint listener that sends every message back to its sender, text as text, binary as binary. */
public final class EchoListener implements WebSocketListener {
    @Override
    public void onText(WebSocketConnection connection, String text) {
        connection.sendText(text);
    }

    @Override
    public void onBinary(WebSocketConnection connection, byte[] data) {
        connection.sendBinary(data);
    }
}
