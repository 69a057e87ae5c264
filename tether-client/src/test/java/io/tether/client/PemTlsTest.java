package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tether.core.ConnectFailedException;
import io.tether.core.WebSocketConnection;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.ServerStartException;
import io.tether.server.TetherServer;
import io.tether.server.TlsConfig;
import io.tether.testkit.Certificates;
import io.tether.testkit.RecordingListener;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from PEM files made by openssl: a private CA the client trusts from a PEM file, a server
 * certificate it signed, and a renewed certificate picked up without a restart.
 */
@Tag("integration")
class PemTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    Path dir;

    private static RecordingListener echo() {
        return new RecordingListener() {
            @Override
            public void onText(WebSocketConnection connection, String text) {
                connection.sendText(text);
            }
        };
    }

    @Test
    void wssWithPemFiles_isTrustedThroughTheCaFile_andARenewedCertificateIsServedWithoutRestart() throws Exception {
        Certificates ca = Certificates.authority(dir);
        Certificates.ServerPair first = ca.issue("first");
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Files.copy(first.certificate(), cert);
        Files.copy(first.key(), key);
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0)
                        .tls(TlsConfig.pem(cert, key).withReloadCheck(Duration.ofMillis(200)))
                        .endpoint(Endpoint.of("/echo", echo())).build());
                TetherClient trusting = TetherClient.create(ClientConfig.builder()
                        .trustedCertificates(ca.caCertificate()).build());
                TetherClient defaultTrust = TetherClient.create()) {
            URI uri = URI.create("wss://localhost:" + server.port() + "/echo");
            RecordingListener listener = new RecordingListener();
            WebSocketConnection before = trusting.connect(uri, listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
            before.sendText("over tls");
            assertThat(listener.nextMessage(WAIT)).isEqualTo("over tls");
            assertThat(servedCommonName(server.port(), ca.caCertificate())).isEqualTo("CN=first");
            assertThat(defaultTrust.connect(uri, new RecordingListener()).toCompletableFuture())
                    .as("a private CA is not in the JVM's trust store")
                    .failsWithin(WAIT).withThrowableThat().havingCause().isInstanceOf(ConnectFailedException.class);

            Certificates.ServerPair renewed = ca.issue("renewed");
            Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
            await().atMost(WAIT).until(() -> servedCommonName(server.port(), ca.caCertificate()).equals("CN=renewed"));

            before.sendText("the old connection keeps its session");
            assertThat(listener.nextMessage(WAIT)).isEqualTo("the old connection keeps its session");
            RecordingListener after = new RecordingListener();
            WebSocketConnection again = trusting.connect(uri, after).toCompletableFuture().get(20, TimeUnit.SECONDS);
            again.sendText("renewed");
            assertThat(after.nextMessage(WAIT)).isEqualTo("renewed");

            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
            assertThat(server.reloadTls()).as("a broken file is not loaded").isFalse();
            assertThat(servedCommonName(server.port(), ca.caCertificate())).as("the previous pair stays")
                    .isEqualTo("CN=renewed");
        }
    }

    @Test
    void missingPemFiles_failTheStart_namingThem() {
        Path cert = dir.resolve("nope.pem");
        assertThatThrownBy(() -> TetherServer.start(ServerConfig.builder().port(0)
                .tls(TlsConfig.pem(cert, dir.resolve("nope.key"))).endpoint(Endpoint.of("/echo", echo())).build()))
                .isInstanceOf(ServerStartException.class).hasMessageContaining(cert.toString());
        assertThatThrownBy(() -> TetherClient.create(ClientConfig.builder().trustedCertificates(cert).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(cert.toString());
    }

    /** The subject of the certificate the server presents to a new TLS connection (JDK client, CA-trusting). */
    private static String servedCommonName(int port, Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }
}
