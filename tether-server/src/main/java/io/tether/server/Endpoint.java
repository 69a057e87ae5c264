package io.tether.server;

import io.tether.core.WebSocketListener;
import io.tether.core.internal.protocol.Frame;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket endpoint: requests for {@code path} are upgraded and their connections reported to
 * {@code listener} (one listener for all of the endpoint's connections; each call names the
 * connection).
 *
 * @param path absolute request path, exact match, e.g. {@code /echo}
 * @param subprotocols subprotocols this endpoint speaks, in order of preference; the first one the
 *     client also asks for is selected, none if there is no match
 * @param listener receives every plain connection's events
 * @param sessions receives the events of {@code tether.v1} sessions, or null when the endpoint does
 *     not offer them
 * @param gate decides which handshakes on this endpoint are accepted, after the server-wide
 *     {@link ServerConfig#handshakeGate()}; null for no endpoint-specific rule (see {@link #withGate})
 * @param authorizer who may connect, given the principal the server's
 *     {@link ServerConfig#authenticator() authenticator} found; {@link EndpointAuthorizer#ANYONE} by
 *     default (see {@link #withAuthorizer})
 */
public record Endpoint(String path, List<String> subprotocols, WebSocketListener listener,
        @Nullable SessionListener sessions, @Nullable HandshakeGate gate, EndpointAuthorizer authorizer) {
    public Endpoint {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("endpoint path must start with '/', was '" + path + "'");
        }
        subprotocols = List.copyOf(subprotocols);
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(authorizer, "authorizer");
    }

    /** An endpoint open to anyone. */
    public Endpoint(String path, List<String> subprotocols, WebSocketListener listener,
            @Nullable SessionListener sessions, @Nullable HandshakeGate gate) {
        this(path, subprotocols, listener, sessions, gate, EndpointAuthorizer.ANYONE);
    }

    /** An endpoint with no gate of its own. */
    public Endpoint(String path, List<String> subprotocols, WebSocketListener listener,
            @Nullable SessionListener sessions) {
        this(path, subprotocols, listener, sessions, null);
    }

    /** A plain endpoint speaking the given subprotocols (none selected if the client offers none of them). */
    public Endpoint(String path, List<String> subprotocols, WebSocketListener listener) {
        this(path, subprotocols, listener, null, null);
    }

    /**
     * This endpoint, with {@code value} deciding its handshakes (after the server-wide gate); null
     * removes the endpoint's gate.
     */
    public Endpoint withGate(@Nullable HandshakeGate value) {
        return new Endpoint(path, subprotocols, listener, sessions, value, authorizer);
    }

    /** This endpoint, open only to the principals {@code value} permits. */
    public Endpoint withAuthorizer(EndpointAuthorizer value) {
        return new Endpoint(path, subprotocols, listener, sessions, gate, value);
    }

    public static Endpoint of(String path, WebSocketListener listener) {
        return new Endpoint(path, List.of(), listener);
    }

    /**
     * An endpoint that offers {@code tether.v1} resumable sessions to clients that ask for them and
     * plain WebSocket to the others.
     */
    public static Endpoint resumable(String path, WebSocketListener plain, SessionListener sessions) {
        return new Endpoint(path, List.of(Frame.SUBPROTOCOL), plain, Objects.requireNonNull(sessions, "sessions"));
    }

    /** A plain WebSocket client at a sessions-only endpoint is told so and closed. */
    private static final WebSocketListener PLAIN_REFUSED = new WebSocketListener() {
        @Override
        public void onOpen(io.tether.core.WebSocketConnection connection) {
            connection.close(io.tether.core.CloseCodes.POLICY_VIOLATION, "this endpoint speaks tether.v1 only");
        }
    };

    /**
     * An endpoint for {@code tether.v1} sessions only: a client that does not ask for the
     * subprotocol is closed with 1008 (policy violation) and a reason saying so, right after its
     * handshake.
     */
    public static Endpoint sessionsOnly(String path, SessionListener sessions) {
        return resumable(path, PLAIN_REFUSED, sessions);
    }
}
