package io.tether.netty.internal;

import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.internal.transport.TransportListener;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the application's listener, catching and logging what it throws so that a bug in a callback
 * neither kills the event loop nor the connection, and guaranteeing a single terminal call.
 */
final class ListenerInvoker {
    private static final Logger log = LoggerFactory.getLogger(ListenerInvoker.class);

    private final WebSocketListener listener;
    private final WebSocketConnection connection;
    private boolean terminated;

    ListenerInvoker(WebSocketListener listener, WebSocketConnection connection) {
        this.listener = listener;
        this.connection = connection;
    }

    void onOpen() {
        guard("onOpen", () -> listener.onOpen(connection));
    }

    void onText(String text) {
        guard("onText", () -> listener.onText(connection, text));
    }

    /** {@code data} is valid during this call only (see {@link TransportListener#onBinaryView}). */
    void onBinaryView(ByteBuffer data) {
        guard("onBinary", () -> TransportListener.deliverBinary(listener, connection, data));
    }

    void onClosed(int code, String reason) {
        if (!terminated) {
            terminated = true;
            guard("onClosed", () -> listener.onClosed(connection, code, reason));
        }
    }

    void onFailure(Throwable cause) {
        if (!terminated) {
            terminated = true;
            guard("onFailure", () -> listener.onFailure(connection, cause));
        }
    }

    private void guard(String callback, Runnable call) {
        // The connection, not its id: the id's string is built only if a callback throws.
        CallbackGuard.run(log, connection, callback, call);
    }
}
