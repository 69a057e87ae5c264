package io.tether.server.auth;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads one cookie from {@code Cookie} header lines (RFC 6265 5.4: {@code a=b; c=d}). */
final class Cookies {
    private Cookies() {
    }

    /** The value of cookie {@code name} (double quotes removed), or null when not sent. */
    static @Nullable String value(List<String> headerLines, String name) {
        for (String line : headerLines) {
            for (String pair : line.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    String v = pair.substring(eq + 1).trim();
                    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
                }
            }
        }
        return null;
    }
}
