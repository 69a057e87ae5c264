package io.tether.testkit.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Ports on 127.0.0.1: a free one to hand to a process, and whether something listens on one. */
final class FreePort {
    private FreePort() {
    }

    /**
     * A port that was free a moment ago. Another process may take it before ours binds it; the
     * fixtures then see "Address already in use" in the log and try another.
     */
    static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /**
     * A port {@code p} in [10000, 22767] such that {@code p} and {@code p + offset} were both free a
     * moment ago: a Redis Cluster node also listens on its port + 10000 (its cluster bus), which must
     * be at most 65535. The range keeps both below Linux's default ephemeral range (32768-60999), so
     * outgoing connections do not take them meanwhile.
     */
    static int pickWithPartner(int offset) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 10000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12768);
            if (bindable(port) && bindable(port + offset)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free pair of ports (p, p + " + offset + ") on 127.0.0.1"));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when a TCP connection to 127.0.0.1:{@code port} is accepted within 500 ms. */
    static boolean accepting(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
