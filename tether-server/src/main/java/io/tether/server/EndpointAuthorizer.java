package io.tether.server;

import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides who may connect to one endpoint, once the {@link Authenticator} has said who the client
 * is. A refusal is answered 401 when the client is anonymous (credentials would help) and 403 when
 * it is authenticated (they would not). Runs on the event loop after authentication and before the
 * handshake gates; must not block; thread-safe.
 */
@FunctionalInterface
public interface EndpointAuthorizer {

    /** Everyone, anonymous included: the default. */
    EndpointAuthorizer ANYONE = (principal, request) -> true;

    /** Every authenticated principal; anonymous clients get 401. */
    EndpointAuthorizer AUTHENTICATED = (principal, request) -> principal.isPresent();

    /** Principals whose string claim {@code claim} equals {@code value} (e.g. {@code role}, {@code admin}). */
    static EndpointAuthorizer claimEquals(String claim, String value) {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(value, "value");
        return (principal, request) -> principal.map(p -> value.equals(p.stringClaim(claim))).orElse(false);
    }

    /** Whether {@code principal} (empty: anonymous) may open a connection with {@code request}. */
    boolean permits(Optional<Principal> principal, HandshakeRequest request);
}
