package io.tether.server;

import io.tether.core.HandshakeRequest;

/**
 * Establishes who opens a connection, from its upgrade request: the seam for authentication.
 * Runs for every handshake of every endpoint (resumes of {@code tether.v1} sessions included), after
 * Tether's own checks (path, method, version, drain, limits, origin) and before the endpoints'
 * {@link Endpoint#authorizer() authorizers} and handshake gates.
 *
 * <p><b>Called on the connection's event loop: do not block</b> (verify a signature, read a cached
 * key; do not call a remote service and wait). Shared by all connections, so thread-safe. If it
 * throws or returns null, the client gets 500, the exception is logged once, and only that
 * connection is affected.
 *
 * @see io.tether.server.auth.JwtAuthenticator
 */
@FunctionalInterface
public interface Authenticator {

    /** Everyone is anonymous: the default, no credentials are looked at. */
    Authenticator ANONYMOUS = request -> Authentication.anonymous();

    /** The principal {@code request} proves, anonymous, or a refusal (401 with a reason). */
    Authentication authenticate(HandshakeRequest request);
}
