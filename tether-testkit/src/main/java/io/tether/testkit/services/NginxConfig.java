package io.tether.testkit.services;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The shipped nginx configuration ({@code deploy/nginx/tether.conf} and {@code local.conf}, copied
 * into the kit at build time) and its rendering: {@code @TETHER_LISTEN@} replaced, the line
 * holding {@code @TETHER_NODE@} repeated once per upstream (ending in {@code down;} for a drained
 * one); comment lines are copied as they are. scripts/cluster.sh renders the same way.
 */
final class NginxConfig {
    static final String LISTEN = "@TETHER_LISTEN@";
    static final String NODE = "@TETHER_NODE@";

    /** One upstream server line: a node on 127.0.0.1, in rotation or drained. */
    record Upstream(int port, boolean down) {
        Upstream {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("upstream port must be 1-65535, was " + port);
            }
        }
    }

    private NginxConfig() {
    }

    /** {@code deploy/nginx/tether.conf}, the template. */
    static String template() {
        return resource("tether.conf");
    }

    /** {@code deploy/nginx/local.conf}, the nginx.conf that includes it. */
    static String main() {
        return resource("local.conf");
    }

    static String render(String template, String listen, List<Upstream> upstreams) {
        Objects.requireNonNull(listen, "listen");
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("nginx needs at least one upstream server");
        }
        StringBuilder out = new StringBuilder();
        for (String line : template.split("\n", -1)) {
            if (line.strip().startsWith("#")) {
                out.append(line).append('\n');
            } else if (line.contains(NODE)) {
                for (Upstream u : upstreams) {
                    String server = line.replace(NODE, "127.0.0.1:" + u.port());
                    out.append(u.down() ? drained(server) : server).append('\n');
                }
            } else {
                out.append(line.replace(LISTEN, listen)).append('\n');
            }
        }
        String rendered = out.substring(0, out.length() - 1);
        if (rendered.lines().anyMatch(l -> !l.strip().startsWith("#") && l.contains("@TETHER_"))) {
            throw new IllegalStateException("unknown placeholder left in the nginx template:\n" + rendered);
        }
        return rendered;
    }

    private static String drained(String serverLine) {
        int end = serverLine.lastIndexOf(';');
        if (end < 0) {
            throw new IllegalStateException("the upstream line of the template does not end in ';': " + serverLine);
        }
        return serverLine.substring(0, end) + " down" + serverLine.substring(end);
    }

    private static String resource(String name) {
        try (InputStream in = NginxConfig.class.getResourceAsStream("nginx/" + name)) {
            if (in == null) {
                throw new IllegalStateException("nginx/" + name + " is not in the test kit (copied from deploy/nginx at build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
