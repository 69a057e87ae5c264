package io.tether.bench.servers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/** TooTallNate Java-WebSocket 1.6.0 echo, one decoder thread (the server is pinned to one core). */
public final class JavaWebSocketEchoServer {
    private JavaWebSocketEchoServer() {
    }

    /** Starts and returns once the server is listening (its start() returns before it binds). */
    public static AutoCloseable start(int port) throws InterruptedException {
        CountDownLatch listening = new CountDownLatch(1);
        AtomicReference<Exception> startFailure = new AtomicReference<>();
        WebSocketServer server = new WebSocketServer(new InetSocketAddress("127.0.0.1", port), 1) {
            @Override
            public void onOpen(WebSocket conn, ClientHandshake handshake) {
            }

            @Override
            public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            }

            @Override
            public void onMessage(WebSocket conn, String message) {
                conn.send(message);
            }

            @Override
            public void onMessage(WebSocket conn, ByteBuffer message) {
                conn.send(message);
            }

            @Override
            public void onError(WebSocket conn, Exception ex) {
                if (conn == null) { // the server itself failed, e.g. could not bind
                    startFailure.set(ex);
                    listening.countDown();
                }
            }

            @Override
            public void onStart() {
                listening.countDown();
            }
        };
        server.setReuseAddr(true);
        server.setTcpNoDelay(true);
        server.setConnectionLostTimeout(0);
        server.start();
        if (!listening.await(10, TimeUnit.SECONDS) || startFailure.get() != null) {
            throw new IllegalStateException("Java-WebSocket server did not start on port " + port, startFailure.get());
        }
        return () -> server.stop(1000);
    }
}
