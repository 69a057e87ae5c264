package io.tether.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Records a TetherSocket's events for assertions, with bounded waits. */
class SocketRecorder implements SocketListener {
    record Closed(int code, String reason, @Nullable Throwable cause) {
    }

    final CompletableFuture<Void> opened = new CompletableFuture<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    /** Every text message, in arrival order (messages is consumed by some tests; this is not). */
    final List<String> texts = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<Integer> reconnects = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(TetherSocket socket) {
        events.add("open");
        opened.complete(null);
    }

    @Override
    public void onText(TetherSocket socket, String text) {
        texts.add(text);
        messages.add(text);
    }

    @Override
    public void onDisconnected(TetherSocket socket, Disconnect info) {
        events.add("disconnected retry=" + info.willRetry());
        disconnects.add(info);
    }

    @Override
    public void onReconnecting(TetherSocket socket, int attempt) {
        events.add("reconnecting " + attempt);
    }

    @Override
    public void onReconnected(TetherSocket socket, int attempts) {
        events.add("reconnected " + attempts);
        reconnects.add(attempts);
    }

    @Override
    public void onClosed(TetherSocket socket, int code, String reason, @Nullable Throwable cause) {
        events.add("closed " + code);
        closed.complete(new Closed(code, reason, cause));
    }

    Closed awaitClosed(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int awaitReconnect(Duration timeout) throws InterruptedException {
        Integer attempts = reconnects.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (attempts == null) {
            throw new AssertionError("no reconnect within " + timeout + "; events " + events);
        }
        return attempts;
    }
}
