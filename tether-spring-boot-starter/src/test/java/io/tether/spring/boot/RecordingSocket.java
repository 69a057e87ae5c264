package io.tether.spring.boot;

import io.tether.client.SocketListener;
import io.tether.client.TetherSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** What a client socket heard: texts in arrival order, resumes, resets and its closing code. */
final class RecordingSocket implements SocketListener {
    final CompletableFuture<TetherSocket> opened = new CompletableFuture<>();
    final List<String> texts = new CopyOnWriteArrayList<>();
    final AtomicInteger resumed = new AtomicInteger();
    final AtomicInteger resets = new AtomicInteger();
    final AtomicInteger disconnects = new AtomicInteger();
    final CompletableFuture<Integer> closedWith = new CompletableFuture<>();

    @Override
    public void onOpen(TetherSocket socket) {
        opened.complete(socket);
    }

    @Override
    public void onText(TetherSocket socket, String text) {
        texts.add(text);
    }

    @Override
    public void onDisconnected(TetherSocket socket, io.tether.client.Disconnect info) {
        disconnects.incrementAndGet();
    }

    @Override
    public void onResumed(TetherSocket socket) {
        resumed.incrementAndGet();
    }

    @Override
    public void onSessionReset(TetherSocket socket, io.tether.core.SessionExpiredException reason) {
        resets.incrementAndGet();
    }

    @Override
    public void onClosed(TetherSocket socket, int code, String reason, @Nullable Throwable cause) {
        closedWith.complete(code);
    }
}
