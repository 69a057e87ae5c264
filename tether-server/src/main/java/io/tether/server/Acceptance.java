package io.tether.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link HandshakeGate}'s answer: {@link #accept()} (optionally with attributes the connection and
 * its session carry) or {@link #refuse(int, String)} with an HTTP status.
 */
public sealed interface Acceptance permits Acceptance.Accepted, Acceptance.Refused {

    /** Accepts, attaching nothing. */
    static Acceptance accept() {
        return Accepted.NOTHING;
    }

    /**
     * Accepts and attaches {@code attributes} (copied; no null names or values), readable from
     * {@link io.tether.core.WebSocketConnection#attributes()} and {@link Session#attributes()}.
     */
    static Acceptance accept(Map<String, Object> attributes) {
        return new Accepted(attributes);
    }

    /**
     * Refuses with {@code status} (400–599) and {@code reason}, sent as the response's plain-text
     * body; add headers with {@link Refused#withHeader}.
     */
    static Refused refuse(int status, String reason) {
        return new Refused(status, reason, Map.of());
    }

    /** @param attributes what the connection carries from now on; unmodifiable */
    record Accepted(Map<String, Object> attributes) implements Acceptance {
        static final Accepted NOTHING = new Accepted(Map.of());

        public Accepted {
            attributes = Map.copyOf(attributes);
        }
    }

    /**
     * @param status HTTP status, 400 to 599
     * @param reason one line for the client (the response body) and the server's debug log; no CR or LF
     * @param headers extra response headers, e.g. {@code Retry-After} or {@code WWW-Authenticate};
     *     Tether sets Content-Type, Content-Length and Connection itself, so those are refused
     */
    record Refused(int status, String reason, Map<String, String> headers) implements Acceptance {
        private static final Set<String> RESERVED = Set.of("content-length", "content-type", "connection",
                "transfer-encoding");

        public Refused {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a refusal's status must be 4xx or 5xx, was " + status);
            }
            requireOneLine(reason, "reason");
            headers = Map.copyOf(headers);
            headers.forEach((name, value) -> {
                requireOneLine(name, "header name");
                requireOneLine(value, "value of header " + name);
                if (name.isEmpty() || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("header '" + name + "' is set by Tether and cannot be given");
                }
            });
        }

        /** A copy with one more response header (replacing one of the same name). */
        public Refused withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return new Refused(status, reason, more);
        }

        private static void requireOneLine(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
                throw new IllegalArgumentException(what + " must not contain CR or LF");
            }
        }
    }
}
