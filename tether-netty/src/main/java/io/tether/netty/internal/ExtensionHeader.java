package io.tether.netty.internal;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes {@code Sec-WebSocket-Extensions} values (RFC 6455 9.1):
 * {@code name; param; param=value, name2 ...}. Our own parser rather than Netty's because Netty's
 * collapses a repeated parameter into one, and RFC 7692 7 wants an offer with a repeated parameter
 * declined. Quoted values ({@code client_max_window_bits="10"}) are unquoted.
 */
final class ExtensionHeader {

    /**
     * One extension of the header.
     *
     * @param data its name (lower case) and parameters (names lower case, null for a parameter without value)
     * @param wellFormed false when a parameter appears twice or the entry cannot be read
     */
    record Entry(WebSocketExtensionData data, boolean wellFormed) {
        String name() {
            return data.name();
        }
    }

    private ExtensionHeader() {
    }

    /** The extensions of {@code header} in the order given (a null or blank header has none). */
    static List<Entry> parse(@Nullable String header) {
        List<Entry> entries = new ArrayList<>();
        if (header == null) {
            return entries;
        }
        for (String extension : header.split(",")) {
            if (extension.isBlank()) {
                continue;
            }
            String[] parts = extension.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean wellFormed = !name.isEmpty();
            Map<String, @Nullable String> parameters = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i].trim();
                int eq = part.indexOf('=');
                String key = (eq < 0 ? part : part.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : unquote(part.substring(eq + 1).trim());
                if (key.isEmpty() || parameters.containsKey(key)) {
                    wellFormed = false;
                }
                parameters.put(key, value);
            }
            entries.add(new Entry(new WebSocketExtensionData(name, parameters), wellFormed));
        }
        return entries;
    }

    /** {@code data} as one header entry, parameters in their map's order. */
    static String format(WebSocketExtensionData data) {
        StringBuilder b = new StringBuilder(data.name());
        data.parameters().forEach((key, value) -> {
            b.append("; ").append(key);
            if (value != null) {
                b.append('=').append(value);
            }
        });
        return b.toString();
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
