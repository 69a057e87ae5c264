package io.tether.server.internal;

import io.tether.core.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * Binds a session's resume token to the principal that owns the session. The store never sees the
 * token a client holds, only {@code base64url(SHA-256(token ‖ 0 ‖ principal name))}, or
 * {@code base64url(SHA-256(token ‖ 1))} for an anonymous session: a resume that presents the right
 * token from another principal (or anonymously) fails the store's comparison exactly like a forged
 * token — a fresh session, nothing said about why, the owner's session untouched — with no change
 * to any store. Anonymous tokens are hashed too (another domain byte), so that what the store keeps
 * is never itself a token that resumes anything: a reader of the store learns nothing usable.
 */
final class TokenBinding {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private TokenBinding() {
    }

    /** What the store keeps and compares for {@code token} presented by {@code principal}. */
    static byte[] bind(byte[] token, Optional<Principal> principal) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(token);
            if (principal.isEmpty()) {
                sha.update((byte) 1);
            } else {
                sha.update((byte) 0);
                sha.update(principal.get().name().getBytes(StandardCharsets.UTF_8));
            }
            return ENCODER.encode(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
