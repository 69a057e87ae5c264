package io.tether.testkit;

import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records every callback of one or more connections for assertions, with bounded waits. The
 * terminal event is kept per listener (use one listener per connection when that matters).
 */
public class RecordingListener implements WebSocketListener {
    /** How a connection ended. {@code cause} is null for a close handshake. */
    public record Terminal(WebSocketConnection connection, int code, String reason, Throwable cause, long atNanos) {
    }

    public final CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();
    public final CompletableFuture<Terminal> terminal = new CompletableFuture<>();
    public final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    public final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onOpen(WebSocketConnection connection) {
        events.add("open");
        opened.complete(connection);
    }

    @Override
    public void onText(WebSocketConnection connection, String text) {
        messages.add(text);
    }

    @Override
    public void onBinary(WebSocketConnection connection, byte[] data) {
        messages.add(data);
    }

    @Override
    public void onClosed(WebSocketConnection connection, int code, String reason) {
        events.add("closed " + code);
        terminal.complete(new Terminal(connection, code, reason, null, System.nanoTime()));
    }

    @Override
    public void onFailure(WebSocketConnection connection, Throwable cause) {
        events.add("failure " + cause.getClass().getSimpleName());
        terminal.complete(new Terminal(connection, -1, "", cause, System.nanoTime()));
    }

    /** The next message, waiting at most {@code timeout}; fails the test on timeout. */
    public Object nextMessage(Duration timeout) throws InterruptedException {
        Object m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + timeout);
        }
        return m;
    }

    /** The terminal event, waiting at most {@code timeout}. */
    public Terminal awaitTerminal(Duration timeout) throws Exception {
        return terminal.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
