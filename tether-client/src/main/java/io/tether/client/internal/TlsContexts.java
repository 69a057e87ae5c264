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
}
