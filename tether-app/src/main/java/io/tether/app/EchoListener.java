package io.tether.app;

import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;

/** The {@code /echo} endpoint: sends every message back to its sender. */
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
