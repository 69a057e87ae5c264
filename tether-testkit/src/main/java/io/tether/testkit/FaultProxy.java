package io.tether.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on 127.0.0.1 that injects faults between a client and a server, for tests:
 * <ul>
 *   <li>{@link #freeze()}: stop forwarding in both directions while keeping every socket open — a
 *       black hole, as a NAT or load balancer that silently dropped the flow; nothing tells either
 *       side. Data read meanwhile is held and delivered after {@link #unfreeze()}.</li>
 *   <li>{@link #killAll()}: reset every proxied connection (RST, as a crashed middlebox).</li>
 *   <li>{@link #refuse(boolean)}: close the listening socket, so new connections are refused.</li>
 *   <li>{@link #delay(Duration)}: hold every chunk for a fixed time before forwarding it.</li>
 * </ul>
 * Threads are daemons named {@code fault-proxy-*}; {@link #close()} stops everything.
 */
public final class FaultProxy implements AutoCloseable {
    private volatile InetSocketAddress target;
    private final int port;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong accepted = new AtomicLong();
    private volatile ServerSocket listener;
    private volatile boolean frozen;
    private volatile long delayNanos;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    /** Starts a proxy on a free port of 127.0.0.1 forwarding to 127.0.0.1:{@code targetPort}. */
    public static FaultProxy start(int targetPort) throws IOException {
        return new FaultProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), bind(0));
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        return socket;
    }

    /**
     * New connections go to 127.0.0.1:{@code targetPort} from now on (a balancer picking another
     * node); open ones stay where they are.
     */
    public void retarget(int targetPort) {
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    }

    /** The proxy's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Connections accepted so far. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections currently proxied. */
    public int openConnections() {
        return links.size();
    }

    public void freeze() {
        setFrozen(true);
    }

    public void unfreeze() {
        setFrozen(false);
    }

    private void setFrozen(boolean value) {
        lock.lock();
        try {
            frozen = value;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Holds every chunk for {@code delay} before forwarding it (zero: no delay). */
    public void delay(Duration delay) {
        delayNanos = delay.toNanos();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Resets every current connection with RST; new ones are still accepted. */
    public void killAll() {
        for (Link link : links) {
            link.kill();
        }
    }

    /** With true, closes the listening port (connections are refused); with false, reopens it. */
    public synchronized void refuse(boolean refuse) throws IOException {
        if (refuse && !listener.isClosed()) {
            listener.close();
        } else if (!refuse && listener.isClosed()) {
            ServerSocket reopened = bind(port);
            listener = reopened;
            startAccepting(reopened);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
        killAll();
        setFrozen(false);
    }

    private void startAccepting(ServerSocket socket) {
        Thread t = new Thread(() -> acceptLoop(socket), "fault-proxy-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop(ServerSocket socket) {
        while (!closed && !socket.isClosed()) {
            try {
                Socket client = socket.accept();
                accepted.incrementAndGet();
                Socket server = new Socket();
                try {
                    server.connect(target, 5000);
                } catch (IOException e) {
                    reset(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Link link = new Link(client, server);
                links.add(link);
                link.start();
            } catch (IOException e) {
                return; // listener closed (refuse or close)
            }
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Waits while frozen or until a held chunk is due; returns false if the proxy is closed. */
    private boolean awaitForwardable(long dueNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                long wait = dueNanos - System.nanoTime();
                if (!frozen && wait <= 0) {
                    return true;
                }
                if (frozen) {
                    changed.await();
                } else {
                    changed.awaitNanos(wait);
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private record Chunk(byte[] bytes, long dueNanos) {
    }

    private final class Link {
        private final Socket client;
        private final Socket server;
        private volatile boolean dead;
        private final java.util.concurrent.atomic.AtomicInteger finishedDirections =
                new java.util.concurrent.atomic.AtomicInteger();

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            pump(client, server, "up");
            pump(server, client, "down");
        }

        private void pump(Socket from, Socket to, String direction) {
            LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            Chunk end = new Chunk(new byte[0], 0);
            Thread reader = new Thread(() -> {
                try (InputStream in = from.getInputStream()) {
                    byte[] buffer = new byte[16384];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        queue.add(new Chunk(java.util.Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                    }
                } catch (IOException e) {
                    // reset or closed: end the link below
                }
                queue.add(end);
            }, "fault-proxy-" + port + "-" + direction + "-read");
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = to.getOutputStream();
                    while (true) {
                        Chunk chunk = queue.take();
                        // The end of the stream waits out a freeze like data does: a black hole
                        // forwards no FIN either (before, a close during a freeze reached the
                        // other side at once and beat that side's heartbeat).
                        if (!awaitForwardable(chunk.dueNanos()) || chunk == end) {
                            break;
                        }
                        out.write(chunk.bytes());
                        out.flush();
                    }
                    to.shutdownOutput();
                    if (finishedDirections.incrementAndGet() == 2) {
                        closeQuietly();
                    }
                } catch (IOException | InterruptedException e) {
                    kill();
                }
            }, "fault-proxy-" + port + "-" + direction + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void closeQuietly() {
            try {
                client.close();
                server.close();
            } catch (IOException ignored) {
                // already gone
            }
            links.remove(this);
        }

        void kill() {
            dead = true;
            reset(client);
            reset(server);
            links.remove(this);
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[127.0.0.1:" + port + " -> " + target + (frozen ? " frozen" : "") + "]";
    }

}
