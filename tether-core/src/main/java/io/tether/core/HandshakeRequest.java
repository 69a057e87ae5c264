package io.tether.core;

import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The opening handshake of one connection, immutable: on the server the upgrade request it
 * received, on the client the request it sent; both with the subprotocol the server selected.
 * Build one with {@link #builder()} (handy to test a handshake gate).
 *
 * <p>Every connection keeps its handshake for its whole life, so it is stored compactly: all header
 * lines in one string ({@code name:value\n}, as HTTP allows neither a colon in a name nor a line
 * break in a value), the query undecoded. What is derived —
 * decoded query parameters, header value lists, offered subprotocols — is computed on each call;
 * keep the result if you need it often. Nothing returned is null unless marked {@code @Nullable}.
 *
 * <p>{@link #toString()} shows the path and the number of headers only: headers and query often carry
 * credentials (Authorization, Cookie, {@code ?token=}), which do not belong in logs.
 */
public final class HandshakeRequest {
    private final String path;
    private final @Nullable String rawQuery;
    /** Every header line as {@code name:value\n}, in the order received. */
    private final String headerText;
    private final @Nullable SocketAddress remoteAddress;
    private final @Nullable String subprotocol;

    private HandshakeRequest(Builder b) {
        this.path = b.path;
        this.rawQuery = b.rawQuery;
        this.headerText = b.text.toString();
        this.remoteAddress = b.remoteAddress;
        this.subprotocol = b.subprotocol;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The request path without the query, e.g. {@code /chat}, never empty. */
    public String path() {
        return path;
    }

    /** The query as sent (percent-encoded, without the {@code ?}), or null when the URI had none. */
    public @Nullable String rawQuery() {
        return rawQuery;
    }

    /**
     * The query parameters, decoded ({@code application/x-www-form-urlencoded}: {@code +} is a
     * space), in the order they first appear, each with all its values in order; a name without
     * {@code =} has the value {@code ""}. A malformed escape is kept as written. Unmodifiable.
     */
    public Map<String, List<String>> queryParams() {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        }
        params.replaceAll((n, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(params);
    }

    /** The first value of query parameter {@code name}, decoded; empty when absent. */
    public Optional<String> queryParam(String name) {
        Objects.requireNonNull(name, "name");
        List<String> values = queryParams().get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }

    /** The first value of header {@code name}, compared ignoring case; empty when absent. */
    public Optional<String> header(String name) {
        Objects.requireNonNull(name, "name");
        for (int start = 0; start < headerText.length(); start = next(start)) {
            if (nameIs(start, name)) {
                return Optional.of(value(start));
            }
        }
        return Optional.empty();
    }

    /** Every value of header {@code name} (ignoring case), in the order received; unmodifiable. */
    public List<String> headerValues(String name) {
        Objects.requireNonNull(name, "name");
        List<String> values = new ArrayList<>(1);
        for (int start = 0; start < headerText.length(); start = next(start)) {
            if (nameIs(start, name)) {
                values.add(value(start));
            }
        }
        return List.copyOf(values);
    }

    /** The header names as received (first spelling of each, compared ignoring case), in order; unmodifiable. */
    public List<String> headerNames() {
        List<String> names = new ArrayList<>();
        for (int start = 0; start < headerText.length(); start = next(start)) {
            String n = headerText.substring(start, headerText.indexOf(':', start));
            if (names.stream().noneMatch(n::equalsIgnoreCase)) {
                names.add(n);
            }
        }
        return List.copyOf(names);
    }

    /** Number of header lines (a name sent twice counts twice). */
    public int headerCount() {
        int count = 0;
        for (int start = 0; start < headerText.length(); start = next(start)) {
            count++;
        }
        return count;
    }

    /** Start of the line after the one starting at {@code start}. */
    private int next(int start) {
        return headerText.indexOf('\n', start) + 1;
    }

    /** Whether the line at {@code start} is header {@code name}; no name has a colon, so none matches one with. */
    private boolean nameIs(int start, String name) {
        int length = name.length();
        if (name.indexOf(':') >= 0) {
            return false;
        }
        return start + length < headerText.length() && headerText.charAt(start + length) == ':'
                && headerText.regionMatches(true, start, name, 0, length);
    }

    private String value(int start) {
        return headerText.substring(headerText.indexOf(':', start) + 1, headerText.indexOf('\n', start));
    }

    /** The peer's address: the client's on the server, the server's on the client; null in a hand-built request without one. */
    public @Nullable SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * The subprotocols the client offered ({@code Sec-WebSocket-Protocol}, every header line), in
     * its order of preference; unmodifiable.
     */
    public List<String> offeredSubprotocols() {
        List<String> offered = new ArrayList<>();
        for (String line : headerValues("Sec-WebSocket-Protocol")) {
            for (String p : line.split(",")) {
                String trimmed = p.trim();
                if (!trimmed.isEmpty()) {
                    offered.add(trimmed);
                }
            }
        }
        return List.copyOf(offered);
    }

    /** The subprotocol the server selected, or null when none was agreed. */
    public @Nullable String subprotocol() {
        return subprotocol;
    }

    /** A copy that differs only in the selected subprotocol. */
    public HandshakeRequest withSubprotocol(@Nullable String selected) {
        Builder b = toBuilder();
        b.subprotocol = selected;
        return b.build();
    }

    public Builder toBuilder() {
        Builder b = new Builder().path(path).rawQuery(rawQuery).remoteAddress(remoteAddress).subprotocol(subprotocol);
        b.text.append(headerText);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeRequest r && path.equals(r.path) && Objects.equals(rawQuery, r.rawQuery)
                && headerText.equals(r.headerText)
                && Objects.equals(remoteAddress, r.remoteAddress) && Objects.equals(subprotocol, r.subprotocol);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, rawQuery, headerText, remoteAddress, subprotocol);
    }

    /** Path, peer, header count and subprotocol; never header values or the query (they may hold secrets). */
    @Override
    public String toString() {
        return "HandshakeRequest[" + path + (rawQuery == null ? "" : "?…") + " from " + remoteAddress + ", "
                + headerCount() + " headers" + (subprotocol == null ? "" : ", subprotocol " + subprotocol) + "]";
    }

    /** Collects a handshake; {@link #build()} checks it. Not thread-safe. */
    public static final class Builder {
        private String path = "/";
        private @Nullable String rawQuery;
        private final StringBuilder text = new StringBuilder();
        private @Nullable SocketAddress remoteAddress;
        private @Nullable String subprotocol;

        private Builder() {
        }

        /** The path without query; must start with {@code /}. Default {@code /}. */
        public Builder path(String value) {
            Objects.requireNonNull(value, "path");
            if (!value.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/', was '" + value + "'");
            }
            path = value;
            return this;
        }

        /** The query, percent-encoded and without {@code ?}, or null for none. */
        public Builder rawQuery(@Nullable String value) {
            rawQuery = value;
            return this;
        }

        /**
         * Appends one header line; names and values are kept as given, names may repeat.
         *
         * @throws IllegalArgumentException for an empty name, a name with a colon, or a line break
         *     in either (HTTP allows none of them)
         */
        public Builder header(CharSequence name, CharSequence value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.length() == 0) {
                throw new IllegalArgumentException("header name must not be empty");
            }
            requireNo(name, ":\r\n", "header name");
            requireNo(value, "\r\n", "value of header " + name);
            text.append(name).append(':').append(value).append('\n');
            return this;
        }

        private static void requireNo(CharSequence s, String forbidden, String what) {
            for (int i = 0; i < s.length(); i++) {
                if (forbidden.indexOf(s.charAt(i)) >= 0) {
                    throw new IllegalArgumentException(what + " must not contain "
                            + (s.charAt(i) == ':' ? "':'" : "a line break"));
                }
            }
        }

        public Builder remoteAddress(@Nullable SocketAddress value) {
            remoteAddress = value;
            return this;
        }

        /** The subprotocol the server selected, or null. */
        public Builder subprotocol(@Nullable String value) {
            subprotocol = value;
            return this;
        }

        public HandshakeRequest build() {
            return new HandshakeRequest(this);
        }
    }
}
