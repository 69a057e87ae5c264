package io.tether.bench.compression;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay for one connection that counts the bytes crossing it each way: what compression saves
 * measured at the socket, frame headers and all. Two blocking copy threads; bench use only.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket listening;
    private final AtomicLong upstream = new AtomicLong();
    private final AtomicLong downstream = new AtomicLong();
    private volatile Socket client;
    private volatile Socket server;

    CountingProxy(int targetPort) throws IOException {
        listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                client = listening.accept();
                server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                pump(client, server, upstream, "up");
                pump(server, client, downstream, "down");
            } catch (IOException e) {
                // closed before a client came
            }
        }, "counting-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listening.getLocalPort();
    }

    /** Bytes client to server since the start (or the last {@link #reset}). */
    long upstream() {
        return upstream.get();
    }

    /** Bytes server to client. */
    long downstream() {
        return downstream.get();
    }

    void reset() {
        upstream.set(0);
        downstream.set(0);
    }

    private static void pump(Socket from, Socket to, AtomicLong count, String name) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    count.addAndGet(n);
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // one side closed: the relay ends
            }
        }, "counting-proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listening.close();
        for (Socket s : new Socket[] {client, server}) {
            if (s != null) {
                s.close();
            }
        }
    }
}
