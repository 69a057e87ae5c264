package io.tether.spring.boot;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * The Redis URI that Spring's own {@code spring.data.redis.*} settings describe, for
 * {@code tether.store=redis} without a {@code tether.redis.uri}: Spring's defaults (localhost:6379,
 * database 0) hold where a setting is missing.
 */
final class SpringRedisUri {
    private SpringRedisUri() {
    }

    static String from(Environment env) {
        String url = env.getProperty("spring.data.redis.url");
        if (url != null && !url.isBlank()) {
            return url;
        }
        boolean ssl = env.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false);
        String scheme = ssl ? "rediss://" : "redis://";
        String userInfo = userInfo(env.getProperty("spring.data.redis.username"),
                env.getProperty("spring.data.redis.password"));
        String nodes = env.getProperty("spring.data.redis.cluster.nodes");
        String hosts;
        if (nodes != null && !nodes.isBlank()) {
            hosts = String.join(",", nodes.trim().split("\\s*,\\s*"));
        } else {
            hosts = env.getProperty("spring.data.redis.host", "localhost") + ":"
                    + env.getProperty("spring.data.redis.port", "6379");
        }
        int database = env.getProperty("spring.data.redis.database", Integer.class, 0);
        return scheme + userInfo + hosts + (database != 0 ? "/" + database : "");
    }

    private static String userInfo(@Nullable String username, @Nullable String password) {
        if (password == null || password.isEmpty()) {
            return "";
        }
        String user = username == null ? "" : encode(username);
        return user + ":" + encode(password) + "@";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
