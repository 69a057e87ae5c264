package io.tether.bench.servers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/** TooTallNate Java-WebSocket 1.6.0 echo, one decoder thread (the server is pinned to one core). */
public final class JavaWebSocketEchoServer {
    private JavaWebSocketEchoServer() {
    }

    public static AutoCloseable start(int port) {
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
            }

            @Override
            public void onStart() {
            }
        };
        server.setReuseAddr(true);
        server.setTcpNoDelay(true);
        server.setConnectionLostTimeout(0);
        server.start();
        return () -> server.stop(1000);
    }
}
