package io.tether.app;

import io.tether.server.OriginPolicy;
import io.tether.server.TlsConfig;
import io.tether.server.Authenticator;
import io.tether.server.auth.JwtAuthenticator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code tether serve}'s TLS, authentication and origin options. */
final class SecurityOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve wss:// and https:// with this PEM certificate chain (with --tls-key); reloaded when it changes.")
    @Nullable Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PKCS#8 PEM private key of --tls-cert.")
    @Nullable Path tlsKey;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN",
            description = "A web origin (scheme://host[:port]) whose pages may connect, besides this server's own; repeatable;"
                    + " '*' allows any. Handshakes from other origins get 403; those without Origin (not browsers) pass.")
    List<String> allowedOrigins = List.of();

    @Option(names = "--auth-jwt-secret-file", paramLabel = "FILE",
            description = "Verify HS256/384/512 JWTs with the secret in FILE (at least 32 bytes; trailing newline ignored);"
                    + " the chat's demo login signs its tokens with it. Share it between nodes.")
    @Nullable Path jwtSecretFile;

    @Option(names = "--auth-jwt-public-key", paramLabel = "FILE",
            description = "Verify RS256/ES256 (and stronger) JWTs with the PEM public key or certificate in FILE.")
    @Nullable Path jwtPublicKey;

    @Option(names = "--auth-jwt-issuer", paramLabel = "ISS", description = "Accept only JWTs with this iss.")
    @Nullable String jwtIssuer;

    @Option(names = "--auth-jwt-audience", paramLabel = "AUD", description = "Accept only JWTs whose aud has this value.")
    @Nullable String jwtAudience;

    @Option(names = "--auth-required",
            description = "Refuse (401) every handshake without a valid token; by default anonymous clients are let in"
                    + " (bad tokens are always refused).")
    boolean authRequired;

    @Option(names = "--credentials-grace", converter = DurationConverter.class, paramLabel = "D", defaultValue = "30s",
            description = "How long a connection stays open after its token expired, before close 4001 (default ${DEFAULT-VALUE}).")
    Duration credentialsGrace;

    @Option(names = "--demo-login", negatable = true,
            description = "Serve the chat's demo login, GET /demo/token?nick=NAME: a token for any nickname, no password"
                    + " (a demo!). On by default only without --auth-jwt-secret-file and --auth-jwt-public-key; with a"
                    + " secret file it must be asked for, since anyone could then get tokens signed with it.")
    @Nullable Boolean demoLogin;

    @Option(names = "--demo-token-lifetime", converter = DurationConverter.class, paramLabel = "D", defaultValue = "15m",
            description = "Lifetime of the tokens the chat's demo login hands out (default ${DEFAULT-VALUE}).")
    Duration demoTokenLifetime;

    /** The TLS configuration, or null for plain ws://; throws IllegalArgumentException when only one file is given. */
    @Nullable TlsConfig tls() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return tlsCert == null ? null : TlsConfig.pem(tlsCert, tlsKey);
    }

    /** This server's own pages and the --allowed-origin ones. */
    OriginPolicy origins() {
        return OriginPolicy.sameOriginAnd(new LinkedHashSet<>(allowedOrigins));
    }

    /**
     * Whether the demo login is served: as asked, else only when no JWT option names real keys
     * (then its secret is this process's own and signs nothing else).
     *
     * @throws IllegalArgumentException for a demo login asked for with a public key (it cannot sign)
     */
    boolean demoLogin() {
        if (Boolean.TRUE.equals(demoLogin) && jwtPublicKey != null) {
            throw new IllegalArgumentException("--demo-login signs tokens, so it needs --auth-jwt-secret-file, not"
                    + " --auth-jwt-public-key");
        }
        return demoLogin != null ? demoLogin : jwtSecretFile == null && jwtPublicKey == null;
    }

    /**
     * The HMAC secret: the file's, or — with neither secret nor public key given — a random one
     * of this process (the demo login then works on this node only).
     */
    byte @Nullable [] secret() throws IOException {
        if (jwtSecretFile != null) {
            String text = Files.readString(jwtSecretFile, StandardCharsets.UTF_8).strip();
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (jwtPublicKey != null) {
            return null;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    /** Verifies the tokens the options name: the secret's (when given), or the public key's. */
    Authenticator authenticator(byte @Nullable [] secret) throws IOException {
        if (jwtSecretFile != null && jwtPublicKey != null) {
            throw new IllegalArgumentException("give --auth-jwt-secret-file or --auth-jwt-public-key, not both");
        }
        JwtAuthenticator.Builder b = jwtPublicKey != null
                ? JwtAuthenticator.publicKeyPem(Files.readString(jwtPublicKey, StandardCharsets.US_ASCII))
                : JwtAuthenticator.hmac(java.util.Objects.requireNonNull(secret));
        return b.issuer(jwtIssuer).audience(jwtAudience).required(authRequired).build();
    }
}
