package io.tether.client;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Supplies the credentials of each handshake: called before <em>every</em> connection attempt,
 * reconnects included, so a token that expired is replaced rather than sent again. When the server
 * answers an attempt with 401, a {@link TetherSocket} asks once more with {@code rejected} true (drop
 * any cached token and fetch a fresh one) and retries at once; a second 401 in a row is final. A
 * connection closed with {@link io.tether.core.CloseCodes#CREDENTIALS_EXPIRED} reconnects asking
 * with {@code rejected} true too (a session resumes).
 *
 * <p>Called on the socket's event loop: <b>do not block</b>; return a stage that completes when the
 * credentials are there (fetched from an identity provider, say). A stage that fails fails that
 * attempt, which is retried like a connect failure.
 */
@FunctionalInterface
public interface Credentials {

    /** No credentials: the default. */
    Credentials NONE = rejected -> CompletableFuture.completedFuture(Map.of());

    /**
     * Headers to add to the next handshake (replacing {@link ClientConfig#headers()} of the same name).
     *
     * @param rejected true when the previous attempt was refused with 401, or the last connection
     *     was closed because its credentials expired (4001): fetch fresh ones, not a cached copy
     */
    CompletionStage<Map<String, String>> headers(boolean rejected);

    /**
     * A bearer token ({@code Authorization: Bearer <token>}, RFC 6750) from {@code tokens}, which
     * is given {@code rejected} as above.
     */
    static Credentials bearer(Function<Boolean, CompletionStage<String>> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return rejected -> tokens.apply(rejected).thenApply(token -> Map.of("Authorization", "Bearer " + token));
    }
}
