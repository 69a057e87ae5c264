package io.tether.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who is on the other end of a connection, as the server's authenticator established it at the
 * handshake: a name (for a JWT, its {@code sub}), the claims it was granted, and when the
 * credentials it presented stop being valid. Immutable.
 *
 * <p>A {@code tether.v1} session belongs to the principal whose connection created it: only a
 * connection authenticated as the same {@link #name()} can resume it (see docs/security.md).
 *
 * @param name the principal's stable identity, never blank; what sessions are bound to
 * @param claims what the credentials said of it (for a JWT every claim, e.g. {@code iss},
 *     {@code roles}), values as the token's JSON gave them (String, Long, Boolean, List, Map);
 *     unmodifiable, copied
 * @param expiresAt when the credentials expire (a JWT's {@code exp}); null when they do not
 */
public record Principal(String name, Map<String, Object> claims, @Nullable Instant expiresAt)
        implements java.security.Principal {

    public Principal {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a principal's name must not be blank");
        }
        claims = Map.copyOf(claims);
    }

    /** A principal with no claims whose credentials do not expire. */
    public static Principal named(String name) {
        return new Principal(name, Map.of(), null);
    }

    /** Same as {@link #name()}, for {@link java.security.Principal}. */
    @Override
    public String getName() {
        return name;
    }

    /** The claim {@code name} if it is a string, else null. */
    public @Nullable String stringClaim(String claim) {
        return claims.get(claim) instanceof String s ? s : null;
    }

    /** Name and expiry only: claims may hold personal data, which does not belong in logs. */
    @Override
    public String toString() {
        return "Principal[" + name + (expiresAt == null ? "" : ", expires " + expiresAt) + "]";
    }
}
