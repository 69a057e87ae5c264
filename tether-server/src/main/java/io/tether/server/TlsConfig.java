package io.tether.server;

import static io.tether.core.Durations.requirePositive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * TLS from PEM files, as certificate authorities and ACME clients (certbot, cert-manager) write
 * them. The files are read at start — a missing or unreadable file fails the start with a message
 * naming it — and checked again every {@code reloadCheck}: when either changed (modification time
 * or size), the new pair is loaded and used for every handshake from then on, without a restart;
 * connections already open keep their session. A pair that fails to load is logged and the old one
 * kept. {@link TetherServer#reloadTls()} reloads at once (for a SIGHUP handler or an admin call).
 *
 * @param certificateChain PEM file with the server's certificate first, then its intermediates
 * @param privateKey PEM file with the certificate's private key (PKCS#8, {@code BEGIN PRIVATE KEY};
 *     an encrypted one needs {@code keyPassword})
 * @param keyPassword the private key's password, or null when it is not encrypted
 * @param reloadCheck how often the files are checked for a change; zero never checks. Default
 *     {@link #DEFAULT_RELOAD_CHECK}
 */
public record TlsConfig(Path certificateChain, Path privateKey, @Nullable String keyPassword, Duration reloadCheck) {
    public static final Duration DEFAULT_RELOAD_CHECK = Duration.ofSeconds(10);

    public TlsConfig {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(reloadCheck, "reloadCheck");
        if (!reloadCheck.isZero()) {
            requirePositive(reloadCheck, "reloadCheck");
        }
    }

    /** Unencrypted key, checked for changes every {@link #DEFAULT_RELOAD_CHECK}. */
    public static TlsConfig pem(Path certificateChain, Path privateKey) {
        return new TlsConfig(certificateChain, privateKey, null, DEFAULT_RELOAD_CHECK);
    }

    /** A copy checking the files every {@code value} (zero: never). */
    public TlsConfig withReloadCheck(Duration value) {
        return new TlsConfig(certificateChain, privateKey, keyPassword, value);
    }

    /** File names only; never the password. */
    @Override
    public String toString() {
        return "TlsConfig[" + certificateChain + ", " + privateKey + (keyPassword == null ? "" : ", encrypted key")
                + ", reload check " + reloadCheck + "]";
    }
}
