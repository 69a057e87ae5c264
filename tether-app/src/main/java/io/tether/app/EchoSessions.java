package io.tether.app;

import io.tether.server.Session;
import io.tether.server.SessionListener;

/** The {@code /echo} endpoint for {@code tether.v1} clients: every message goes back to its session. */
final class EchoSessions implements SessionListener {
    @Override
    public void onText(Session session, String text) {
        session.sendText(text);
    }

    @Override
    public void onBinary(Session session, byte[] data) {
        session.sendBinary(data);
    }
}
