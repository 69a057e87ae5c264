package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.ConnectFailedException;
import io.tether.core.WebSocketConnection;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.testkit.PeerProcess;
import io.tether.testkit.RecordingListener;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wss:// end to end with a certificate made for the test by the JDK's keytool. */
@Tag("integration")
class TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    static Path dir;
    private static KeyStore keyStore;

    @BeforeAll
    static void makeCertificate() throws Exception {
        Path file = dir.resolve("tether.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        try (PeerProcess p = PeerProcess.start(keytool, "-genkeypair", "-alias", "tether", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit")) {
            assertThat(p.awaitExit(WAIT)).as(p.stderr()).isZero();
        }
        keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, PASSWORD);
        }
    }

    private static SSLContext serverContext() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static SSLContext trustingContext() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void wss_echoes_withATrustedCertificate_andIsRefusedWithout() throws Exception {
        RecordingListener echo = new RecordingListener() {
            @Override
            public void onText(WebSocketConnection connection, String text) {
                connection.sendText(text);
            }
        };
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).sslContext(serverContext())
                        .endpoint(Endpoint.of("/echo", echo)).build());
                TetherClient trusting = TetherClient.create(ClientConfig.builder().sslContext(trustingContext()).build());
                TetherClient defaultTrust = TetherClient.create()) {
            URI uri = URI.create("wss://localhost:" + server.port() + "/echo");
            RecordingListener listener = new RecordingListener();
            WebSocketConnection connection = trusting.connect(uri, listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
            connection.sendText("over tls");
            assertThat(listener.nextMessage(WAIT)).isEqualTo("over tls");
            connection.close().toCompletableFuture().get(20, TimeUnit.SECONDS);

            assertThat(defaultTrust.connect(uri, new RecordingListener()).toCompletableFuture())
                    .failsWithin(WAIT).withThrowableThat().havingCause().isInstanceOf(ConnectFailedException.class);
        }
    }
}
