package io.tether.server.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves files from a classpath directory (the chat page and its scripts, shipped inside the jar)
 * for plain GET/HEAD requests that are not WebSocket endpoints. Paths are checked against a strict
 * pattern (no "..", no hidden files), contents are cached, and every answer carries a
 * Content-Security-Policy that forbids inline script, so injected markup cannot run.
 */
final class StaticFiles {
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "json", "application/json", "svg", "image/svg+xml",
            "png", "image/png", "ico", "image/x-icon", "txt", "text/plain; charset=utf-8");
    private static final String CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
            + "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";

    private final String root;
    private final ClassLoader loader;
    private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

    StaticFiles(String root, ClassLoader loader) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.loader = loader;
    }

    /** Answers {@code request} for {@code path}: 200 with the file, 404, or 405 for other methods. */
    void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!head && !HttpMethod.GET.equals(request.method())) {
            HttpResponses.sendAndClose(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD are served here");
            return;
        }
        String file = path.equals("/") ? "/index.html" : path;
        Optional<byte[]> content = SAFE_PATH.matcher(file).matches() ? load(file) : Optional.empty();
        if (content.isEmpty()) {
            HttpResponses.sendAndClose(ctx, HttpResponseStatus.NOT_FOUND, "no such page: " + path);
            return;
        }
        byte[] bytes = content.get();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        String extension = file.substring(file.lastIndexOf('.') + 1);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, TYPES.getOrDefault(extension, "application/octet-stream"))
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff")
                .set("Content-Security-Policy", CSP)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private Optional<byte[]> load(String file) {
        return cache.computeIfAbsent(file, f -> {
            try (InputStream in = loader.getResourceAsStream(root + f)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + root + f, e);
            }
        });
    }
}
