package io.tether.core;

import java.util.Map;
import java.util.Optional;

/**
 * The server answered the opening handshake with an HTTP status other than 101. The status and the
 * response headers are kept so that a caller can tell "go away" (401, 403, 404) from "later"
 * (429, 503 with Retry-After).
 */
public final class HandshakeRejectedException extends TetherException {
    private final int status;
    private final String reason;
    private final Map<String, String> headers;

    /**
     * @param status the HTTP status code
     * @param reason the status line's reason and, when short, the response body
     * @param headers response headers, names in lower case
     */
    public HandshakeRejectedException(int status, String reason, Map<String, String> headers) {
        super("handshake rejected with HTTP " + status + (reason.isEmpty() ? "" : ": " + reason));
        this.status = status;
        this.reason = reason;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    /** The status line's reason and, when short, the response body in parentheses; possibly empty. */
    public String reason() {
        return reason;
    }

    /** A response header by lower-case name. */
    public Optional<String> header(String lowerCaseName) {
        return Optional.ofNullable(headers.get(lowerCaseName));
    }
}
