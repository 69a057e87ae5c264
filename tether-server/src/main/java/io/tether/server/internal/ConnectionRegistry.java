package io.tether.server.internal;

import io.tether.netty.internal.WebSocketConnectionHandler;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The server's open connections and handshake counters, for stats and for closing them all at stop. Thread-safe. */
public final class ConnectionRegistry {
    private final Set<WebSocketConnectionHandler> open = ConcurrentHashMap.newKeySet();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    void add(WebSocketConnectionHandler connection) {
        accepted.increment();
        open.add(connection);
    }

    /** The connection has closed; the hook every server connection's settings carry. */
    void closed(WebSocketConnectionHandler connection) {
        open.remove(connection);
    }

    /** Undoes {@link #add} for a handshake that failed before the connection existed. */
    void remove(WebSocketConnectionHandler connection) {
        open.remove(connection);
        accepted.decrement();
    }

    private volatile boolean draining;

    /** From now on new handshakes are refused (503): the server is stopping. */
    public void startDraining() {
        draining = true;
    }

    public boolean isDraining() {
        return draining;
    }

    /** A handshake was refused by admission control or a handshake gate. */
    void countRejected() {
        rejected.increment();
    }

    public long accepted() {
        return accepted.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public int size() {
        return open.size();
    }

    /** A live view; iterate, don't keep. */
    public Collection<WebSocketConnectionHandler> connections() {
        return Collections.unmodifiableSet(open);
    }
}
