package io.tether.client.internal;

import io.tether.client.Disconnect;
import io.tether.client.SocketListener;
import io.tether.client.TetherSocket;
import io.tether.core.internal.session.SessionEngine;
import io.tether.core.session.Delivery;
import io.tether.netty.internal.CallbackGuard;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a {@link SocketListener}, logging what it throws; guarantees one terminal call. */
final class SocketCallbacks {
    private static final Logger log = LoggerFactory.getLogger(SocketCallbacks.class);

    private final SocketListener listener;
    private final TetherSocket socket;
    private boolean closed;

    SocketCallbacks(SocketListener listener, TetherSocket socket) {
        this.listener = listener;
        this.socket = socket;
    }

    void onOpen() {
        guard("onOpen", () -> listener.onOpen(socket));
    }

    /** A message; {@code delivery} null in plain mode. */
    void onText(String text, @Nullable Delivery delivery) {
        guard("onText", delivery == null ? () -> listener.onText(socket, text) : () -> listener.onText(socket, text, delivery));
    }

    void onBinary(byte[] data, @Nullable Delivery delivery) {
        guard("onBinary", delivery == null ? () -> listener.onBinary(socket, data)
                : () -> listener.onBinary(socket, data, delivery));
    }

    void onDisconnected(Disconnect info) {
        guard("onDisconnected", () -> listener.onDisconnected(socket, info));
    }

    /** Where a tether.v1 session delivers: this socket's message callbacks, with how each arrived. */
    SessionEngine.Receiver sessionReceiver() {
        return new SessionEngine.Receiver() {
            @Override
            public void onText(String text) {
                SocketCallbacks.this.onText(text, null);
            }

            @Override
            public void onBinary(byte[] data) {
                SocketCallbacks.this.onBinary(data, null);
            }

            @Override
            public void onText(String text, Delivery delivery) {
                SocketCallbacks.this.onText(text, delivery);
            }

            @Override
            public void onBinary(byte[] data, Delivery delivery) {
                SocketCallbacks.this.onBinary(data, delivery);
            }
        };
    }

    void onReconnecting(int attempt) {
        guard("onReconnecting", () -> listener.onReconnecting(socket, attempt));
    }

    void onReconnected(int attempts) {
        guard("onReconnected", () -> listener.onReconnected(socket, attempts));
    }

    void onResumed() {
        guard("onResumed", () -> listener.onResumed(socket));
    }

    void onSessionReset(io.tether.core.SessionExpiredException reason) {
        guard("onSessionReset", () -> listener.onSessionReset(socket, reason));
    }

    void onClosed(int code, String reason, @Nullable Throwable cause) {
        if (!closed) {
            closed = true;
            guard("onClosed", () -> listener.onClosed(socket, code, reason, cause));
        }
    }

    private void guard(String callback, Runnable call) {
        CallbackGuard.run(log, socket.uri(), callback, call);
    }
}
