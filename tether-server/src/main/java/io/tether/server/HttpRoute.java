package io.tether.server;

import io.tether.core.HandshakeRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Answers plain HTTP requests (not WebSocket upgrades) for one path on the server's port: a login
 * that hands out tokens, a metrics scrape, a status page. The request is given as a
 * {@link HandshakeRequest} (path, query, headers, peer); request bodies are not read (at most 8 KiB
 * of head is accepted), so routes answer GETs and body-less POSTs. The answer is sent with
 * {@code Connection: close} and {@code Cache-Control: no-store}.
 *
 * <p><b>Called on an event loop: do not block.</b> Thread-safe. If it throws or returns null the
 * client gets 500, logged once.
 */
@FunctionalInterface
public interface HttpRoute {

    /** The answer to {@code method} (upper case, e.g. {@code GET}) on {@code request}. */
    Answer answer(String method, HandshakeRequest request);

    /**
     * @param status HTTP status, 200 to 599
     * @param contentType the body's media type, e.g. {@code application/json}
     * @param body the body (copied)
     * @param headers extra headers (not Content-Type, Content-Length or Connection)
     */
    record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
        public Answer {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status must be between 200 and 599, was " + status);
            }
            Objects.requireNonNull(contentType, "contentType");
            body = body.clone();
            headers = Map.copyOf(headers);
        }

        /** {@code status} with a UTF-8 JSON body. */
        public static Answer json(int status, String json) {
            return new Answer(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        /** {@code status} with a one-line plain-text body. */
        public static Answer text(int status, String text) {
            return new Answer(status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8),
                    Map.of());
        }
    }
}
