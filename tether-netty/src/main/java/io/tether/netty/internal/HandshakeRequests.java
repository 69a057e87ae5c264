package io.tether.netty.internal;

import io.netty.handler.codec.http.HttpHeaders;
import io.tether.core.HandshakeRequest;
import java.net.SocketAddress;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds the {@link HandshakeRequest} a connection keeps from Netty's view of the upgrade request. */
public final class HandshakeRequests {
    private HandshakeRequests() {
    }

    /**
     * @param path the request path without query (pass a shared instance: every connection keeps it)
     * @param rawQuery the query, still percent-encoded, or null
     */
    public static HandshakeRequest of(String path, @Nullable String rawQuery, HttpHeaders headers,
            @Nullable SocketAddress remoteAddress, @Nullable String subprotocol) {
        HandshakeRequest.Builder b = HandshakeRequest.builder().path(path).rawQuery(rawQuery)
                .remoteAddress(remoteAddress).subprotocol(subprotocol);
        // CharSequences, not Strings: the names and values are copied once, into the request's text.
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> h = it.next();
            b.header(h.getKey(), h.getValue());
        }
        return b.build();
    }

    /** The query part of a request URI ({@code /p?a=1} gives {@code a=1}), or null when it has none. */
    public static @Nullable String rawQuery(String uri) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return null;
        }
        int hash = uri.indexOf('#', q);
        return uri.substring(q + 1, hash < 0 ? uri.length() : hash);
    }
}
