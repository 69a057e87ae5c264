package io.tether.server.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * The health endpoints, on the server's port, for load balancers and probes (plain GETs; an
 * endpoint configured at the same path wins): {@code /health/live} answers 200 while the process
 * serves HTTP; {@code /health/ready} answers 200, or 503 while the server drains (from the moment
 * {@code stop()} begins, before the first 1012) or while a shared session store could not be
 * reached at the last lease renewal — so a balancer takes the node out before it refuses anyone.
 */
public final class Health {
    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";

    private Health() {
    }

    static boolean handles(String path) {
        return LIVE.equals(path) || READY.equals(path);
    }

    static void answer(ChannelHandlerContext ctx, String path, boolean draining, Collection<SessionManager> sessions) {
        if (LIVE.equals(path)) {
            HttpResponses.sendAndClose(ctx, HttpResponseStatus.OK, "live");
            return;
        }
        String notReady = notReady(draining, sessions);
        if (notReady != null) {
            HttpResponses.sendAndClose(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, notReady);
        } else {
            HttpResponses.sendAndClose(ctx, HttpResponseStatus.OK, "ready");
        }
    }

    /** Why the server is not ready ({@code draining}, {@code session store unreachable}), or null when it is. */
    public static @Nullable String notReady(boolean draining, Collection<SessionManager> sessions) {
        if (draining) {
            return "draining";
        }
        if (sessions.stream().anyMatch(s -> !s.storeReachable())) {
            return "session store unreachable";
        }
        return null;
    }
}
