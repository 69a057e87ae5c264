package io.tether.server.auth;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a public key from PEM text with the JDK alone: a {@code PUBLIC KEY} block (X.509
 * SubjectPublicKeyInfo, RSA or EC, what {@code openssl pkey -pubout} writes) or a
 * {@code CERTIFICATE} block (its key).
 */
public final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private PemKeys() {
    }

    /**
     * The first public key or certificate in {@code pem}.
     *
     * @throws IllegalArgumentException when there is none, or it is neither RSA nor EC; the message
     *     says which
     */
    public static PublicKey publicKey(String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (m.group(1)) {
                case "PUBLIC KEY":
                    return spki(der);
                case "CERTIFICATE":
                    return certificateKey(der);
                default:
                    // e.g. a private key next to it: not what is asked for
            }
        }
        throw new IllegalArgumentException("no '-----BEGIN PUBLIC KEY-----' or '-----BEGIN CERTIFICATE-----' block found"
                + " (an RSA or EC public key in PEM, as 'openssl pkey -pubout' writes it)");
    }

    private static PublicKey spki(byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("the PUBLIC KEY block is neither an RSA nor an EC key");
    }

    private static PublicKey certificateKey(byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable CERTIFICATE block: " + e.getMessage(), e);
        }
    }
}
