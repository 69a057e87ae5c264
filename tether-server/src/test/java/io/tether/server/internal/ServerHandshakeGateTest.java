package io.tether.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tether.core.HandshakeRequest;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.netty.internal.FramePipeline;
import io.tether.netty.internal.WebSocketConnectionHandler;
import io.tether.server.Acceptance;
import io.tether.server.Endpoint;
import io.tether.server.HandshakeGate;
import io.tether.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The handshake gate on one EmbeddedChannel: what it refuses never becomes a WebSocket. */
class ServerHandshakeGateTest {
    private static final String UPGRADE = "GET /ws?user=ann&role=a&role=b HTTP/1.1\r\nHost: example.org\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: x, chat\r\nAuthorization: Bearer t0k\r\n\r\n";

    private final List<WebSocketConnection> opened = new CopyOnWriteArrayList<>();
    private final WebSocketListener listener = new WebSocketListener() {
        @Override
        public void onOpen(WebSocketConnection connection) {
            opened.add(connection);
        }
    };
    private final ConnectionRegistry registry = new ConnectionRegistry();

    private EmbeddedChannel channel(HandshakeGate serverGate, HandshakeGate endpointGate) {
        ServerConfig config = ServerConfig.builder().heartbeat(HeartbeatConfig.DISABLED).handshakeGate(serverGate)
                .endpoint(new Endpoint("/ws", List.of("chat"), listener).withGate(endpointGate)).build();
        EmbeddedChannel ch = new EmbeddedChannel(new ServerChannelInitializer(config, registry, Map.of(), null));
        ch.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
        return ch;
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    private static void assertNoWebSocket(EmbeddedChannel ch) {
        assertThat(ch.pipeline().get(WebSocketConnectionHandler.class)).isNull();
        assertThat(ch.pipeline().get(FramePipeline.UTF8_NAME)).isNull();
        assertThat(ch.pipeline().names()).noneMatch(n -> n.startsWith("wsencoder") || n.startsWith("wsdecoder"));
    }

    @Test
    void refusal_writesItsStatusReasonAndHeaders_closes_andInstallsNoWebSocketHandler() {
        EmbeddedChannel ch = channel(HandshakeGate.ACCEPT_ALL,
                r -> Acceptance.refuse(401, "token expired").withHeader("WWW-Authenticate", "Bearer"));
        String response = written(ch);
        assertThat(response).startsWith("HTTP/1.1 401 Unauthorized\r\n")
                .containsIgnoringCase("connection: close\r\n")
                .containsIgnoringCase("www-authenticate: Bearer\r\n")
                .containsIgnoringCase("content-type: text/plain")
                .endsWith("\r\n\r\ntoken expired\n");
        assertThat(ch.isOpen()).isFalse();
        assertNoWebSocket(ch);
        assertThat(opened).isEmpty();
        assertThat(registry.rejected()).isEqualTo(1);
        assertThat(registry.accepted()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void serverGateRefusal_wins_andTheEndpointGateIsNotAsked() {
        AtomicReference<HandshakeRequest> endpointSaw = new AtomicReference<>();
        EmbeddedChannel ch = channel(r -> Acceptance.refuse(403, "not from here"), r -> {
            endpointSaw.set(r);
            return Acceptance.accept();
        });
        assertThat(written(ch)).startsWith("HTTP/1.1 403 Forbidden\r\n").endsWith("not from here\n");
        assertThat(endpointSaw.get()).isNull();
        assertThat(ch.isOpen()).isFalse();
        assertNoWebSocket(ch);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void gateThatThrows_gets500_closed_andNothingInstalled() {
        EmbeddedChannel ch = channel(HandshakeGate.ACCEPT_ALL, r -> {
            throw new IllegalStateException("bug in the gate");
        });
        String response = written(ch);
        assertThat(response).startsWith("HTTP/1.1 500 Internal Server Error\r\n")
                .containsIgnoringCase("connection: close").endsWith("internal error while checking the handshake\n")
                .doesNotContain("bug in the gate");
        assertThat(ch.isOpen()).isFalse();
        assertNoWebSocket(ch);
        assertThat(registry.rejected()).isEqualTo(1);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void gateThatReturnsNull_gets500() {
        EmbeddedChannel ch = channel(HandshakeGate.ACCEPT_ALL, r -> null);
        assertThat(written(ch)).startsWith("HTTP/1.1 500 ");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void acceptance_upgrades_theGateSeesTheRequest_andTheConnectionCarriesHandshakeAndMergedAttributes() {
        AtomicReference<HandshakeRequest> seen = new AtomicReference<>();
        EmbeddedChannel ch = channel(r -> Acceptance.accept(Map.of("user", "ann", "tier", "free")), r -> {
            seen.set(r);
            return Acceptance.accept(Map.of("tier", "gold"));
        });
        assertThat(written(ch)).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
        assertThat(ch.isOpen()).isTrue();
        HandshakeRequest r = seen.get();
        assertThat(r.path()).isEqualTo("/ws");
        assertThat(r.queryParams()).containsEntry("role", List.of("a", "b"));
        assertThat(r.queryParam("user")).contains("ann");
        assertThat(r.header("authorization")).contains("Bearer t0k");
        assertThat(r.offeredSubprotocols()).containsExactly("x", "chat");
        assertThat(r.subprotocol()).as("selected before the gate runs").isEqualTo("chat");
        assertThat(r.remoteAddress()).isEqualTo(ch.remoteAddress());

        assertThat(opened).hasSize(1);
        WebSocketConnection connection = opened.get(0);
        assertThat(connection.handshake()).isSameAs(r);
        assertThat(connection.subprotocol()).isEqualTo("chat");
        assertThat(connection.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("user", "ann", "tier", "gold"));
        assertThat(ch.pipeline().get(WebSocketConnectionHandler.class)).isSameAs(connection);
        assertThat(ch.pipeline().get(ServerHandshakeHandler.class)).isNull();
        assertThat(registry.accepted()).isEqualTo(1);
        assertThat(registry.rejected()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
