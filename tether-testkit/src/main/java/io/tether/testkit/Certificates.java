package io.tether.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A private certificate authority and server certificates it signed, made with the {@code openssl}
 * command (Debian package openssl) for tests of TLS from PEM files: P-256 keys in PKCS#8 PEM,
 * certificates valid for two days for {@code localhost} and {@code 127.0.0.1}.
 *
 * @param caCertificate the CA's certificate (what a client trusts)
 * @param dir where the files are
 */
public record Certificates(Path caCertificate, Path dir) {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A new CA in {@code dir} (which must exist). */
    public static Certificates authority(Path dir) throws IOException, InterruptedException {
        Path key = dir.resolve("ca.key");
        Path cert = dir.resolve("ca.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=Tether Test CA");
        return new Certificates(cert, dir);
    }

    /** A server certificate and key, {@code name}.pem and {@code name}.key, signed by this CA. */
    public ServerPair issue(String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCertificate.toString(), "-CAkey",
                dir.resolve("ca.key").toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "2",
                "-extfile", ext.toString());
        return new ServerPair(cert, key);
    }

    /** @param certificate PEM certificate; @param key its PKCS#8 PEM private key */
    public record ServerPair(Path certificate, Path key) {
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        try (PeerProcess p = PeerProcess.start(command)) {
            int exit = p.awaitExit(WAIT);
            if (exit != 0) {
                throw new IOException("openssl " + args[0] + " failed (" + exit + "): " + p.stderr());
            }
        }
    }
}
