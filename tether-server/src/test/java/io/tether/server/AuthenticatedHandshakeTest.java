package io.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.CloseCodes;
import io.tether.core.Principal;
import io.tether.core.WebSocketConnection;
import io.tether.server.auth.JwtAuthenticator;
import io.tether.server.auth.JwtIssuer;
import io.tether.testkit.RawWebSocket;
import io.tether.testkit.RecordingListener;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Authentication, endpoint authorization and credential expiry on a live server, with raw
 * handshakes: the exact status of each refusal, and the principal on the connection.
 */
@Tag("integration")
class AuthenticatedHandshakeTest {
    private static final byte[] SECRET = "a demo secret of at least 32 bytes!".getBytes(StandardCharsets.US_ASCII);
    private static final JwtIssuer TOKENS = JwtIssuer.hmac(SECRET, null, null, Clock.systemUTC());
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static TetherServer start(RecordingListener listener, EndpointAuthorizer adminOnly, boolean required,
            Duration grace) {
        return TetherServer.start(ServerConfig.builder().port(0)
                .authenticator(JwtAuthenticator.hmac(SECRET).required(required).clockSkew(Duration.ZERO).build())
                .credentialsGrace(grace)
                .endpoint(new Endpoint("/ws", List.of("chat.v1"), listener))
                .endpoint(Endpoint.of("/admin", listener).withAuthorizer(adminOnly))
                .build());
    }

    @Test
    void aBearerToken_putsItsPrincipalOnTheConnection_andNoTokenIs401() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (TetherServer server = start(listener, EndpointAuthorizer.AUTHENTICATED, true, Duration.ofMinutes(1))) {
            try (RawWebSocket none = RawWebSocket.open(server.port())) {
                String head = none.requestUpgrade("/ws");
                assertThat(head).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Bearer realm=\"tether\"");
                assertThat(none.readUntilClosed()).startsWith("no credentials");
            }
            String token = TOKENS.issue("alice", Duration.ofMinutes(5), Map.of("role", "user"));
            try (RawWebSocket ws = RawWebSocket.open(server.port())) {
                assertThat(ws.requestUpgrade("/ws", "Authorization: Bearer " + token)).startsWith("HTTP/1.1 101");
                WebSocketConnection c = listener.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                Principal p = c.principal().orElseThrow();
                assertThat(p.name()).isEqualTo("alice");
                assertThat(p.stringClaim("role")).isEqualTo("user");
            }
            assertThat(server.stats().handshakesRejected()).isEqualTo(1);
        }
    }

    @Test
    void aTokenInTheSubprotocolList_isNotSelected_theEndpointsOwnSubprotocolIs() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (TetherServer server = start(listener, EndpointAuthorizer.AUTHENTICATED, true, Duration.ofMinutes(1));
                RawWebSocket ws = RawWebSocket.open(server.port())) {
            String token = TOKENS.issue("bob", Duration.ofMinutes(5), Map.of());
            String head = ws.requestUpgrade("/ws", "Sec-WebSocket-Protocol: chat.v1, access_token." + token);
            assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("Sec-WebSocket-Protocol: chat.v1\r\n")
                    .doesNotContain(token);
            assertThat(listener.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS).principal().orElseThrow().name())
                    .isEqualTo("bob");
        }
    }

    @Test
    void theEndpointsAuthorizer_answers401ToAnonymous_403ToAPrincipalItRefuses_andLetsItsOwnIn() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (TetherServer server = start(listener, EndpointAuthorizer.claimEquals("role", "admin"), false,
                Duration.ofMinutes(1))) {
            try (RawWebSocket anonymous = RawWebSocket.open(server.port())) {
                assertThat(anonymous.requestUpgrade("/admin")).startsWith("HTTP/1.1 401");
                assertThat(anonymous.readUntilClosed().trim()).isEqualTo("authentication required for /admin");
            }
            try (RawWebSocket user = RawWebSocket.open(server.port())) {
                String token = TOKENS.issue("carol", Duration.ofMinutes(5), Map.of("role", "user"));
                assertThat(user.requestUpgrade("/admin", "Authorization: Bearer " + token)).startsWith("HTTP/1.1 403");
                assertThat(user.readUntilClosed().trim()).isEqualTo("carol may not connect to /admin");
            }
            try (RawWebSocket anonymousElsewhere = RawWebSocket.open(server.port())) {
                assertThat(anonymousElsewhere.requestUpgrade("/ws")).as("/ws lets anonymous clients in")
                        .startsWith("HTTP/1.1 101");
            }
            try (RawWebSocket admin = RawWebSocket.open(server.port())) {
                String token = TOKENS.issue("dave", Duration.ofMinutes(5), Map.of("role", "admin"));
                assertThat(admin.requestUpgrade("/admin", "Authorization: Bearer " + token)).startsWith("HTTP/1.1 101");
            }
        }
    }

    @Test
    void aConnectionWhoseTokenExpires_isClosedWith4001_afterTheGrace() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (TetherServer server = start(listener, EndpointAuthorizer.AUTHENTICATED, true, Duration.ofMillis(500));
                RawWebSocket ws = RawWebSocket.open(server.port())) {
            // exp has whole seconds: valid for 1–2 s from now.
            String token = TOKENS.issue("erin", Duration.ofSeconds(2), Map.of());
            assertThat(ws.requestUpgrade("/ws", "Authorization: Bearer " + token)).startsWith("HTTP/1.1 101");
            RawWebSocket.Frame close = ws.readCloseFrame();
            assertThat(close.closeCode()).isEqualTo(CloseCodes.CREDENTIALS_EXPIRED).isEqualTo(4001);
            assertThat(close.closeReason())
                    .isEqualTo("credentials expired; reconnect with fresh ones");
        }
    }
}
