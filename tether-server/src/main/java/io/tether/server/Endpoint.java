package io.tether.server;

import java.util.List;
import java.util.Objects;
import io.tether.core.WebSocketListener;

/**
 * A WebSocket endpoint: requests for {@code path} are upgraded and their connections reported to
 * {@code listener} (one listener for all of the endpoint's connections; each call names the
 * connection).
 *
 * @param path absolute request path, exact match, e.g. {@code /echo}
 * @param subprotocols subprotocols this endpoint speaks, in order of preference; the first one the
 *     client also asks for is selected, none if there is no match
 * @param listener receives every connection's events
 */
public record Endpoint(String path, List<String> subprotocols, WebSocketListener listener) {
    public Endpoint {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("endpoint path must start with '/', was '" + path + "'");
        }
        subprotocols = List.copyOf(subprotocols);
        Objects.requireNonNull(listener, "listener");
    }

    public static Endpoint of(String path, WebSocketListener listener) {
        return new Endpoint(path, List.of(), listener);
    }
}
