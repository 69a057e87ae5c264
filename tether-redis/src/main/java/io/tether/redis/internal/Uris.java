package io.tether.redis.internal;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a store URI: {@code redis://host:port} or, for Redis Cluster seed nodes,
 * {@code redis://host1:port1,host2:port2,...}; {@code rediss://} for TLS; user info, database and
 * query parameters as Lettuce reads them ({@link RedisURI#create(String)}), applying to every host.
 */
public final class Uris {
    private Uris() {
    }

    /** One {@link RedisURI} per host listed, in order. */
    public static List<RedisURI> hosts(String uri) {
        Objects.requireNonNull(uri, "uri");
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("not a Redis URI (redis://host:port or redis://h1:p1,h2:p2): " + uri);
        }
        String scheme = uri.substring(0, schemeEnd + 3);
        String rest = uri.substring(schemeEnd + 3);
        int end = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) == '/' || rest.charAt(i) == '?') {
                end = i;
                break;
            }
        }
        String authority = rest.substring(0, end);
        String tail = rest.substring(end);
        int at = authority.lastIndexOf('@');
        String userInfo = authority.substring(0, at + 1);
        List<RedisURI> hosts = new ArrayList<>();
        for (String host : authority.substring(at + 1).split(",", -1)) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("empty host in Redis URI " + uri);
            }
            try {
                hosts.add(RedisURI.create(scheme + userInfo + host.trim() + tail));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot read host '" + host + "' of Redis URI " + uri + ": "
                        + e.getMessage(), e);
            }
        }
        return hosts;
    }
}
