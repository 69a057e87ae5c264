package io.tether.core.reconnect;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a server's retry-after hint: the HTTP {@code Retry-After} header (whole seconds; HTTP dates
 * are ignored) or a close reason containing {@code retry-after=<n>ms} or {@code retry-after=<n>s},
 * e.g. {@code "server restarting; retry-after=2000ms"}.
 */
public final class RetryAfter {
    private static final Pattern IN_REASON = Pattern.compile("retry-after=(\\d{1,9})(ms|s)\\b");
    /** Hints beyond this are treated as this: a hostile or broken server must not park clients for days. */
    public static final Duration MAX_HINT = Duration.ofMinutes(10);

    private RetryAfter() {
    }

    /** The hint in a {@code Retry-After} header value of whole seconds. */
    public static Optional<Duration> fromHeader(String value) {
        String v = value.trim();
        if (!v.matches("\\d{1,9}")) {
            return Optional.empty();
        }
        return Optional.of(clamp(Duration.ofSeconds(Long.parseLong(v))));
    }

    /** The hint in a close reason, if it carries one. */
    public static Optional<Duration> fromCloseReason(String reason) {
        Matcher m = IN_REASON.matcher(reason);
        if (!m.find()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(clamp(m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n)));
    }

    /** Formats a hint for a close reason: {@code retry-after=<n>ms}. */
    public static String format(Duration hint) {
        return "retry-after=" + hint.toMillis() + "ms";
    }

    private static Duration clamp(Duration d) {
        return d.compareTo(MAX_HINT) > 0 ? MAX_HINT : d;
    }
}
