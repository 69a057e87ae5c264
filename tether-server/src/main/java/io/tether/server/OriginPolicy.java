package io.tether.server;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Which web origins may open WebSocket connections: the defence against cross-site WebSocket
 * hijacking, where a page on another site opens a connection that carries the user's cookies. A
 * browser always sends {@code Origin} on a WebSocket handshake; other clients usually do not, and a
 * request without {@code Origin} is always let through (it did not come from a web page).
 * A refused origin is answered 403.
 *
 * @param anyOrigin every origin is allowed (the library's default: {@link #ANY})
 * @param sameOrigin an origin whose host and port are the request's {@code Host} is allowed (the
 *     page was served by this server, or by the proxy in front of it that keeps {@code Host})
 * @param allowed further origins allowed, exactly as browsers send them ({@code https://app.example.com},
 *     {@code http://localhost:3000}), compared ignoring case; stored in lower case
 */
public record OriginPolicy(boolean anyOrigin, boolean sameOrigin, Set<String> allowed) {

    /** Every origin. */
    public static final OriginPolicy ANY = new OriginPolicy(true, true, Set.of());

    /** Only pages of this server (the request's {@code Host}): what {@code tether serve} uses by default. */
    public static final OriginPolicy SAME_ORIGIN = new OriginPolicy(false, true, Set.of());

    public OriginPolicy {
        allowed = Objects.requireNonNull(allowed, "allowed").stream().map(OriginPolicy::checkOrigin)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Pages of this server and of {@code origins} (each {@code scheme://host[:port]}, or {@code *} for any). */
    public static OriginPolicy sameOriginAnd(Set<String> origins) {
        return origins.contains("*") ? ANY : new OriginPolicy(false, true, origins);
    }

    private static String checkOrigin(String origin) {
        Objects.requireNonNull(origin, "origin");
        if (origin.equals("null")) {
            return origin; // what sandboxed frames and file:// pages send; allowed only when listed
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not an origin (scheme://host[:port]): '" + origin + "'");
        }
        if (uri.getScheme() == null || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())
                || uri.getQuery() != null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("not an origin (scheme://host[:port], no path): '" + origin + "'");
        }
        return origin.toLowerCase(Locale.ROOT);
    }

    /** {@link #allows(String, String, boolean)} on a server without TLS. */
    public boolean allows(@Nullable String origin, @Nullable String host) {
        return allows(origin, host, false);
    }

    /**
     * Whether a handshake with {@code origin} (null: none sent) and {@code host} (the {@code Host}
     * header, null if none) is allowed. On a server that serves TLS itself ({@code secure}), its own
     * pages are {@code https} ones only: a page served over plain http (injectable by anyone on the
     * network) is not the same origin. A plain server accepts either scheme for its host and port,
     * since a TLS-terminating proxy in front of it makes its pages https. Note that the same-origin
     * rule trusts {@code Host}: against DNS rebinding of an internal server, list its origins
     * instead.
     */
    public boolean allows(@Nullable String origin, @Nullable String host, boolean secure) {
        if (origin == null || anyOrigin) {
            return true;
        }
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (allowed.contains(o)) {
            return true;
        }
        if (secure && !o.startsWith("https://")) {
            return false;
        }
        return sameOrigin && host != null && sameHostAndPort(o, host.trim().toLowerCase(Locale.ROOT));
    }

    private static boolean sameHostAndPort(String origin, String host) {
        int sep = origin.indexOf("://");
        if (sep < 0) {
            return false;
        }
        String scheme = origin.substring(0, sep);
        String authority = origin.substring(sep + 3);
        String defaultPort = scheme.equals("https") || scheme.equals("wss") ? ":443" : ":80";
        return withPort(authority, defaultPort).equals(withPort(host, defaultPort));
    }

    /** {@code host[:port]} with the port made explicit (IPv6 literals keep their brackets). */
    private static String withPort(String authority, String defaultPort) {
        int bracket = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        return colon > bracket ? authority : authority + defaultPort;
    }
}
