package io.tether.server;

import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;

/** Echoes every message back on the same connection. */
final class EchoListener implements WebSocketListener {
    @Override
    public void onText(WebSocketConnection connection, String text) {
        connection.sendText(text);
    }

    @Override
    public void onBinary(WebSocketConnection connection, byte[] data) {
        connection.sendBinary(data);
    }
}
