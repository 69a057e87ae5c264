package io.tether.core.reconnect;

import io.tether.core.CloseCodes;
import io.tether.core.ConnectionClosedException;
import io.tether.core.HandshakeRejectedException;
import java.time.Duration;
import java.util.Optional;

/**
 * Tether's default retry rules.
 *
 * <ul>
 *   <li>Handshake answered 429 or 503: retry, waiting at least {@code Retry-After} seconds if given.
 *       Any other 5xx: retry. 400, 401, 403, 404 and every other 4xx: give up — the server refuses
 *       on purpose and will refuse again.</li>
 *   <li>Close 1000 (the server ended the conversation), 1002, 1003, 1007, 1008, 1009, 1010 (the
 *       server objects to what we send: it would object again) and 4500–4999 (application-defined
 *       "do not come back"): give up.</li>
 *   <li>Close 1001, 1006, 1011, 1012, 1013, 1014, 3000–3999 and 4000–4499: retry; 1012 and 1013
 *       honour a {@code retry-after=<n>ms} (or {@code <n>s}) hint in the reason.</li>
 *   <li>Everything else — connect refused or timed out, DNS failure, TLS failure, heartbeat
 *       timeout, connection reset, protocol errors we detected — retry.</li>
 * </ul>
 */
final class DefaultRetryClassifier implements RetryClassifier {

    @Override
    public RetryDecision classify(Throwable cause) {
        if (cause instanceof HandshakeRejectedException rejected) {
            return classifyStatus(rejected);
        }
        if (cause instanceof ConnectionClosedException closed) {
            return classifyClose(closed.code(), closed.reason());
        }
        return RetryDecision.retry(cause.getClass().getSimpleName());
    }

    private static RetryDecision classifyStatus(HandshakeRejectedException e) {
        int status = e.status();
        if (status == 429 || status == 503) {
            Optional<Duration> hint = e.header("retry-after").flatMap(RetryAfter::fromHeader);
            return hint.map(h -> RetryDecision.retryAfter(h, "HTTP " + status + ", retry after " + h.toMillis() + " ms"))
                    .orElseGet(() -> RetryDecision.retry("HTTP " + status));
        }
        if (status >= 500) {
            return RetryDecision.retry("HTTP " + status);
        }
        return RetryDecision.giveUp("handshake refused with HTTP " + status);
    }

    private static RetryDecision classifyClose(int code, String reason) {
        switch (code) {
            case CloseCodes.NORMAL, CloseCodes.PROTOCOL_ERROR, CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD,
                    CloseCodes.POLICY_VIOLATION, CloseCodes.MESSAGE_TOO_BIG, 1010 -> {
                return RetryDecision.giveUp("closed by the server with " + code);
            }
            case CloseCodes.SERVICE_RESTART, CloseCodes.TRY_AGAIN_LATER -> {
                return RetryAfter.fromCloseReason(reason)
                        .map(h -> RetryDecision.retryAfter(h, "close " + code + ", retry after " + h.toMillis() + " ms"))
                        .orElseGet(() -> RetryDecision.retry("close " + code));
            }
            default -> {
                if (code >= 4500 && code <= 4999) {
                    return RetryDecision.giveUp("closed by the application with " + code);
                }
                return RetryDecision.retry("close " + code);
            }
        }
    }
}
