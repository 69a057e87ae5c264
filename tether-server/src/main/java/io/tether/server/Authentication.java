package io.tether.server;

import io.tether.core.Principal;
import java.util.Objects;

/** What an {@link Authenticator} found: a principal, nobody in particular, or a refusal. */
public sealed interface Authentication
        permits Authentication.Authenticated, Authentication.Anonymous, Authentication.Refused {

    /** The {@code WWW-Authenticate} challenge of Tether's 401s (RFC 6750). */
    String BEARER_CHALLENGE = "Bearer realm=\"tether\"";

    static Authentication authenticated(Principal principal) {
        return new Authenticated(principal);
    }

    /** No credentials, and none required: the connection goes on without a principal. */
    static Authentication anonymous() {
        return Anonymous.INSTANCE;
    }

    /**
     * Refused with {@code status} (normally 401 for missing or bad credentials) and a one-line
     * reason for the client; {@code WWW-Authenticate} and other headers can be added to the
     * {@link Acceptance.Refused} with {@link Acceptance.Refused#withHeader}.
     */
    static Authentication refuse(Acceptance.Refused refusal) {
        return new Refused(refusal);
    }

    /** @param principal who the credentials prove the client to be */
    record Authenticated(Principal principal) implements Authentication {
        public Authenticated {
            Objects.requireNonNull(principal, "principal");
        }
    }

    /** No principal. */
    final class Anonymous implements Authentication {
        private static final Anonymous INSTANCE = new Anonymous();

        private Anonymous() {
        }

        @Override
        public String toString() {
            return "Anonymous";
        }
    }

    /** @param refusal the HTTP answer: status, reason, headers */
    record Refused(Acceptance.Refused refusal) implements Authentication {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
        }
    }
}
