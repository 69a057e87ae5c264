package io.tether.server.demo;

import io.tether.server.Session;
import io.tether.server.SessionListener;


/** A session listener that sends every message back to its session, exactly once, in order. */
public final class EchoSessions implements SessionListener {
    @Override
    public void onText(Session session, String text) {
        session.sendText(text);
    }

    @Override
    public void onBinary(Session session, byte[] data) {
        session.sendBinary(data);
    }
}
