package io.tether.client.internal;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/** Netty TLS contexts for {@code wss://}, from the user's {@link SSLContext} or the JVM default. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** A client context; null means the JVM's default trust store and protocols. */
    @SuppressWarnings("deprecation")
    public static SslContext forClient(@Nullable SSLContext context) {
        try {
            SSLContext jdk = context != null ? context : SSLContext.getDefault();
            return new JdkSslContext(jdk, true, ClientAuth.NONE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    /**
     * A client context trusting only the certificate authorities in {@code pemFile}; null when
     * {@code pemFile} is null.
     *
     * @throws IllegalArgumentException when the file cannot be read as PEM certificates, naming it
     */
    public static @Nullable SslContext trusting(java.nio.file.@Nullable Path pemFile) {
        if (pemFile == null) {
            return null;
        }
        try {
            return io.netty.handler.ssl.SslContextBuilder.forClient().trustManager(pemFile.toFile()).build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read trusted certificates from " + pemFile + ": "
                    + e.getMessage(), e);
        }
    }
}
