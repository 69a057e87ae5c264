package io.tether.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Issues HS256 tokens that a {@link JwtAuthenticator#hmac} with the same secret accepts: for demos,
 * tests and a login endpoint of your own. In production tokens usually come from an identity
 * provider, and the server only verifies them. Thread-safe.
 */
public final class JwtIssuer {
    private final MACSigner signer;
    private final @Nullable String issuer;
    private final @Nullable String audience;
    private final Clock clock;

    private JwtIssuer(byte[] secret, @Nullable String issuer, @Nullable String audience, Clock clock) {
        try {
            this.signer = new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable HMAC secret: " + e.getMessage(), e);
        }
        this.issuer = issuer;
        this.audience = audience;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Signs with {@code secret} (at least 32 bytes), setting {@code iss} and {@code aud} when not
     * null, times from {@code clock}.
     */
    public static JwtIssuer hmac(byte[] secret, @Nullable String issuer, @Nullable String audience, Clock clock) {
        return new JwtIssuer(secret.clone(), issuer, audience, clock);
    }

    /**
     * A token for {@code subject}, valid from now for {@code lifetime}, with {@code claims} added
     * (values a JSON encoder understands: String, Number, Boolean, List, Map).
     */
    public String issue(String subject, Duration lifetime, Map<String, Object> claims) {
        Objects.requireNonNull(subject, "subject");
        Instant now = clock.instant();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)));
        if (issuer != null) {
            b.issuer(issuer);
        }
        if (audience != null) {
            b.audience(audience);
        }
        claims.forEach(b::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), b.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return jwt.serialize();
    }
}
