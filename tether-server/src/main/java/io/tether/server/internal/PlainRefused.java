package io.tether.server.internal;

import io.tether.core.CloseCodes;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;

/** For endpoints that need sessions: a plain WebSocket client is told so and closed (1008). */
public final class PlainRefused implements WebSocketListener {
    @Override
    public void onOpen(WebSocketConnection connection) {
        connection.close(CloseCodes.POLICY_VIOLATION, "this endpoint speaks tether.v1 only");
    }
}
