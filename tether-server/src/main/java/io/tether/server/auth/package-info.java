/**
 * Authentication and authorization at the handshake: {@link io.tether.server.Authenticator}
 * (who the client is; {@link io.tether.server.auth.JwtAuthenticator} built in) and
 * {@link io.tether.server.EndpointAuthorizer} (who may use an endpoint). See docs/security.md.
 */
@NullMarked
package io.tether.server.auth;

import org.jspecify.annotations.NullMarked;
