package io.tether.testkit.services;

import io.tether.testkit.RawWebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node stand-in behind nginx: answers a plain GET with its name, an upgrade with 101 followed by
 * a text frame holding its name, and then each text frame {@code t} with {@code name:t}. Keeps
 * every request head it got. A thread per connection: it is a test peer, not Tether.
 */
final class TinyUpstream implements AutoCloseable {
    private final String name;
    private final ServerSocket server;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private TinyUpstream(String name, ServerSocket server) {
        this.name = name;
        this.server = server;
        Thread accepting = new Thread(this::acceptLoop, "upstream-" + name);
        accepting.setDaemon(true);
        accepting.start();
    }

    static TinyUpstream start(String name) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return new TinyUpstream(name, server);
    }

    int port() {
        return server.getLocalPort();
    }

    String name() {
        return name;
    }

    /** Every request head received, in order. */
    List<String> heads() {
        return heads;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread t = new Thread(() -> serve(socket), "upstream-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (RawWebSocket ws = RawWebSocket.wrap(socket)) {
            String head = ws.readHttpHead();
            heads.add(head);
            if (!head.toLowerCase(Locale.ROOT).contains("\nupgrade: websocket")) {
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                ws.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n" + name).getBytes(StandardCharsets.UTF_8));
                return;
            }
            ws.acceptUpgrade(head);
            ws.sendServerFrame(true, RawWebSocket.TEXT, name.getBytes(StandardCharsets.UTF_8));
            while (true) {
                RawWebSocket.Frame frame = ws.readFrame();
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    ws.sendServerFrame(true, RawWebSocket.CLOSE, frame.payload());
                    return;
                }
                ws.sendServerFrame(true, RawWebSocket.TEXT, (name + ":" + frame.text()).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the peer went away, or close() closed the socket
        } finally {
            open.remove(socket);
        }
    }

    /** Stops listening (new connections are refused) and closes the open ones. */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
