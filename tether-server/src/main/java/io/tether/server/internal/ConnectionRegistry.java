package io.tether.server.internal;

import io.tether.netty.WebSocketConnectionHandler;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The server's open connections, for counting and for closing them all at stop. Thread-safe. */
public final class ConnectionRegistry {
    private final Set<WebSocketConnectionHandler> open = ConcurrentHashMap.newKeySet();

    void add(WebSocketConnectionHandler connection) {
        open.add(connection);
        connection.closeFuture().whenComplete((v, e) -> open.remove(connection));
    }

    public int size() {
        return open.size();
    }

    /** A live view; iterate, don't keep. */
    public Collection<WebSocketConnectionHandler> connections() {
        return Collections.unmodifiableSet(open);
    }
}
