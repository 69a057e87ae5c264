package io.tether.server.internal;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.tether.server.ServerConfig;
import io.tether.server.ServerStartException;
import io.tether.server.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS: a JDK {@link SSLContext} given as it is, or a certificate and key read from PEM
 * files and read again when they change ({@link #reloadIfChanged}), so a renewed certificate is
 * served without a restart. New connections use the pair loaded last; open ones keep theirs.
 * Thread-safe.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final @Nullable SSLContext jdk;
    private final @Nullable TlsConfig pem;
    private volatile @Nullable SslContext current;
    private volatile List<Object> loadedStamp = List.of();

    private ServerTls(@Nullable SSLContext jdk, @Nullable TlsConfig pem) {
        this.jdk = jdk;
        this.pem = pem;
    }

    /**
     * The TLS {@code config} asks for, or null for plain {@code ws://}.
     *
     * @throws ServerStartException when the PEM files cannot be read, naming them
     */
    public static @Nullable ServerTls of(ServerConfig config) {
        if (config.sslContext() != null) {
            return new ServerTls(config.sslContext(), null);
        }
        TlsConfig pem = config.tls();
        if (pem == null) {
            return null;
        }
        ServerTls tls = new ServerTls(null, pem);
        try {
            tls.load();
        } catch (IOException | RuntimeException e) {
            throw new ServerStartException("cannot load TLS certificate " + pem.certificateChain() + " and key "
                    + pem.privateKey() + ": " + e.getMessage(), e);
        }
        return tls;
    }

    /** The PEM settings, or null when a JDK context was given (nothing to reload). */
    public @Nullable TlsConfig pemConfig() {
        return pem;
    }

    /** A server-side TLS handler for a new connection. */
    SslHandler newHandler(Channel ch) {
        if (jdk != null) {
            SSLEngine engine = jdk.createSSLEngine();
            engine.setUseClientMode(false);
            return new SslHandler(engine);
        }
        return Objects.requireNonNull(current, "loaded at start").newHandler(ch.alloc());
    }

    /**
     * Reads the PEM files again if their modification time or size changed since the last load.
     * A pair that fails to load is logged and the previous one kept. Returns whether a new pair is
     * in use. Blocking file I/O: not on an event loop.
     */
    public boolean reloadIfChanged() {
        if (pem == null) {
            return false;
        }
        try {
            if (stamp(pem).equals(loadedStamp)) {
                return false;
            }
            load();
            log.info("TLS certificate reloaded from {}", pem.certificateChain());
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("TLS certificate {} changed but could not be loaded; still serving the previous one: {}",
                    pem.certificateChain(), e.toString());
            return false;
        }
    }

    /** Reads the pair now, changed or not; returns whether it loaded (else the old one stays). */
    public boolean reload() {
        loadedStamp = List.of();
        return reloadIfChanged();
    }

    private void load() throws IOException {
        TlsConfig c = Objects.requireNonNull(pem);
        List<Object> before = stamp(c);
        SslContext context = SslContextBuilder.forServer(c.certificateChain().toFile(), c.privateKey().toFile(),
                c.keyPassword()).build();
        current = context;
        loadedStamp = before;
    }

    private static List<Object> stamp(TlsConfig c) throws IOException {
        return List.of(stampOf(c.certificateChain()), stampOf(c.privateKey()));
    }

    private static String stampOf(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.lastModifiedTime() + "/" + a.size();
    }
}
