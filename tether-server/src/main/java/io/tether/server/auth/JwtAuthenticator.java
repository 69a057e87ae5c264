package io.tether.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.tether.core.HandshakeRequest;
import io.tether.core.Principal;
import io.tether.server.Acceptance;
import io.tether.server.Authenticator;
import io.tether.server.Authentication;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates with a signed JSON Web Token (RFC 7519), verified with nimbus-jose-jwt: HMAC
 * (HS256/384/512) with a shared secret, or RSA (RS256/384/512, PS256/384/512) / EC (ES256/384/512)
 * with a public key. The signature, {@code exp} (required unless {@link Builder#requireExpiry} is
 * off), {@code nbf}, and — when configured — {@code iss} and {@code aud} are checked, with a
 * tolerated clock skew. The principal is named by the {@code sub} claim (or {@link
 * Builder#principalClaim}); its claims are the token's, its expiry the token's {@code exp}.
 *
 * <p>Where the token is looked for, in this order (first found wins):
 * <ol>
 *   <li>{@code Authorization: Bearer <jwt>} (RFC 6750);
 *   <li>an offered subprotocol {@code access_token.<jwt>} ({@link #SUBPROTOCOL_PREFIX}) — for
 *     browsers, which cannot set headers on a WebSocket: {@code new WebSocket(url, ["tether.v1",
 *     "access_token." + jwt])}; never selected as the connection's subprotocol;
 *   <li>a cookie, only when {@link Builder#cookie} names one (cookies ride along on cross-site
 *     requests: use it with an origin allow-list);
 *   <li>the query parameter {@code access_token} (on by default; note that proxies log URLs).
 * </ol>
 *
 * <p>No token: refused with 401 ({@code WWW-Authenticate: Bearer realm="tether"}), or anonymous when
 * {@link Builder#required} is off. A bad token (signature, algorithm, expired, not yet valid, wrong
 * issuer or audience, malformed) is always 401 with {@code error="invalid_token"} and a one-line
 * description. Immutable and thread-safe; verifying costs one signature check, on the event loop.
 */
public final class JwtAuthenticator implements Authenticator {
    /** Prefix of the {@code Sec-WebSocket-Protocol} entry that carries a token. */
    public static final String SUBPROTOCOL_PREFIX = "access_token.";
    /** The query parameter that carries a token. */
    public static final String QUERY_PARAMETER = "access_token";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    private static final String CHALLENGE = Authentication.BEARER_CHALLENGE;

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final boolean required;
    private final boolean fromQuery;
    private final @Nullable String cookie;
    private final String principalClaim;

    private JwtAuthenticator(Builder b) {
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(b.algorithms, b.keys));
        Set<String> requiredClaims = new HashSet<>(Set.of(b.principalClaim));
        if (b.requireExpiry) {
            requiredClaims.add("exp");
        }
        JWTClaimsSet exact = b.issuer == null ? new JWTClaimsSet.Builder().build()
                : new JWTClaimsSet.Builder().issuer(b.issuer).build();
        Clock clock = b.clock;
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(
                b.audience == null ? null : Set.of(b.audience), exact, requiredClaims, null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew((int) b.clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(verifier);
        required = b.required;
        fromQuery = b.fromQuery;
        cookie = b.cookie;
        principalClaim = b.principalClaim;
    }

    /** HMAC-signed tokens (HS256, HS384, HS512) with {@code secret}, at least 32 bytes. */
    public static Builder hmac(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HMAC secret must have at least 32 bytes (256 bits), had "
                    + secret.length);
        }
        return new Builder(Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512),
                new ImmutableSecret<>(secret.clone()));
    }

    /** Tokens signed with the private key of {@code key}: RSA (RS*, PS*) or EC (ES*, the curve's). */
    public static Builder publicKey(PublicKey key) {
        Objects.requireNonNull(key, "key");
        if (key instanceof RSAPublicKey rsa) {
            return new Builder(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                    JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512), keySet(new RSAKey.Builder(rsa).build()));
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            JWSAlgorithm algorithm = Curve.P_256.equals(curve) ? JWSAlgorithm.ES256
                    : Curve.P_384.equals(curve) ? JWSAlgorithm.ES384
                    : Curve.P_521.equals(curve) ? JWSAlgorithm.ES512 : null;
            if (algorithm == null) {
                throw new IllegalArgumentException("EC key on an unsupported curve; P-256, P-384 and P-521 are");
            }
            return new Builder(Set.of(algorithm), keySet(new ECKey.Builder(curve, ec).build()));
        }
        throw new IllegalArgumentException("a " + key.getAlgorithm() + " key cannot verify JWTs here; use RSA or EC");
    }

    /** {@link #publicKey(PublicKey)} with the key (or certificate) in PEM text. */
    public static Builder publicKeyPem(String pem) {
        return publicKey(PemKeys.publicKey(pem));
    }

    private static JWKSource<SecurityContext> keySet(JWK key) {
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    @Override
    public Authentication authenticate(HandshakeRequest request) {
        String token = tokenOf(request);
        if (token == null) {
            return required ? Authentication.refuse(Acceptance.refuse(401, "no credentials: send a JWT as "
                    + "'Authorization: Bearer', subprotocol '" + SUBPROTOCOL_PREFIX + "<jwt>'"
                    + (fromQuery ? " or query parameter " + QUERY_PARAMETER : ""))
                    .withHeader("WWW-Authenticate", CHALLENGE)) : Authentication.anonymous();
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            return Authentication.authenticated(principalOf(claims));
        } catch (ParseException | BadJOSEException | JOSEException | IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
    }

    private Principal principalOf(JWTClaimsSet claims) {
        Object name = claims.getClaim(principalClaim);
        if (!(name instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("claim " + principalClaim + " must be a non-blank string");
        }
        Map<String, Object> copy = new HashMap<>();
        claims.toJSONObject().forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        Date exp = claims.getExpirationTime();
        return new Principal(s, copy, exp == null ? null : exp.toInstant());
    }

    private static Authentication invalid(@Nullable String why) {
        String description = oneLine(why == null ? "unreadable token" : why);
        return Authentication.refuse(Acceptance.refuse(401, "invalid token: " + description)
                .withHeader("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\", error_description=\""
                        + description.replace('"', '\'') + "\""));
    }

    private static String oneLine(String s) {
        String flat = s.replace('\r', ' ').replace('\n', ' ');
        return flat.length() > 200 ? flat.substring(0, 200) : flat;
    }

    private @Nullable String tokenOf(HandshakeRequest request) {
        for (String value : request.headerValues("Authorization")) {
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return value.substring(7).trim();
            }
        }
        for (String offered : request.offeredSubprotocols()) {
            if (offered.startsWith(SUBPROTOCOL_PREFIX)) {
                return offered.substring(SUBPROTOCOL_PREFIX.length());
            }
        }
        if (cookie != null) {
            String value = Cookies.value(request.headerValues("Cookie"), cookie);
            if (value != null) {
                return value;
            }
        }
        return fromQuery ? request.queryParam(QUERY_PARAMETER).orElse(null) : null;
    }

    /** Which tokens are accepted and where they are looked for; {@link #build()} checks. Not thread-safe. */
    public static final class Builder {
        private final Set<JWSAlgorithm> algorithms;
        private final JWKSource<SecurityContext> keys;
        private @Nullable String issuer;
        private @Nullable String audience;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Clock clock = Clock.systemUTC();
        private boolean required = true;
        private boolean requireExpiry = true;
        private boolean fromQuery = true;
        private @Nullable String cookie;
        private String principalClaim = "sub";

        private Builder(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
            this.algorithms = algorithms;
            this.keys = keys;
        }

        /** The {@code iss} every token must carry; null (default) accepts any. */
        public Builder issuer(@Nullable String value) {
            issuer = value;
            return this;
        }

        /** A value the token's {@code aud} must contain; null (default) accepts any. */
        public Builder audience(@Nullable String value) {
            audience = value;
            return this;
        }

        /** How far {@code exp} and {@code nbf} may be off; whole seconds, 0 to 10 min. Default 30 s. */
        public Builder clockSkew(Duration value) {
            Objects.requireNonNull(value, "clockSkew");
            if (value.isNegative() || value.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("clockSkew must be between 0 and 10 min, was " + value);
            }
            clockSkew = value;
            return this;
        }

        /** The clock {@code exp} and {@code nbf} are checked against; the system's by default. */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Whether a handshake without a token is refused (default) or anonymous. */
        public Builder required(boolean value) {
            required = value;
            return this;
        }

        /** Whether a token must have {@code exp} (default true: a token without it is valid forever). */
        public Builder requireExpiry(boolean value) {
            requireExpiry = value;
            return this;
        }

        /** Whether the query parameter {@code access_token} is looked at (default true). */
        public Builder fromQuery(boolean value) {
            fromQuery = value;
            return this;
        }

        /** A cookie that carries the token; null (default) looks at no cookie. */
        public Builder cookie(@Nullable String name) {
            cookie = name;
            return this;
        }

        /** The claim naming the principal; {@code sub} by default. */
        public Builder principalClaim(String value) {
            Objects.requireNonNull(value, "principalClaim");
            if (value.isBlank()) {
                throw new IllegalArgumentException("principalClaim must not be blank");
            }
            principalClaim = value;
            return this;
        }

        public JwtAuthenticator build() {
            return new JwtAuthenticator(this);
        }
    }
}
