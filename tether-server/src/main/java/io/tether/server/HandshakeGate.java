package io.tether.server;

import io.tether.core.HandshakeRequest;

/**
 * Decides whether an upgrade request may become a WebSocket connection: the seam for
 * authentication, origin checks and per-client policy. Runs for every handshake of its endpoint
 * (resumes of {@code tether.v1} sessions included), after Tether's own checks (path, method,
 * WebSocket version, drain, admission) and before the 101 is sent; the request it sees already
 * names the subprotocol Tether selected.
 *
 * <p><b>It is called on the connection's event loop: do not block in it</b> (no database or network
 * call waiting for an answer). A refusal is answered with its HTTP status, {@code Connection: close}
 * and the reason as a plain-text body, and counted in {@link ServerStats#handshakesRejected()}. If
 * the gate throws (or returns null), the client gets 500, the exception is logged once, and only
 * that connection is affected. Gates are shared by all connections, so must be thread-safe.
 *
 * <p>A server-wide gate ({@link ServerConfig#handshakeGate()}) runs first, then the endpoint's
 * ({@link Endpoint#gate()}); the first refusal wins, and the attributes of both acceptances are
 * merged (the endpoint's win on equal names).
 */
@FunctionalInterface
public interface HandshakeGate {

    /** Accepts everything with no attributes: the default. */
    HandshakeGate ACCEPT_ALL = request -> Acceptance.accept();

    /** Accepts or refuses {@code request}; see the interface's description for the rules. */
    Acceptance check(HandshakeRequest request);
}
