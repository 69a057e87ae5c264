package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.ConnectionClosedException;
import io.tether.core.ConnectionResetException;
import io.tether.core.TetherException;
import io.tether.core.WebSocketListener;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.testkit.FaultProxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the application sees when the network resets a connection: Tether types, the transport's exception as cause. */
@Tag("integration")
class TypedFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aResetConnection_reachesBothApplications_asATetherException() throws Exception {
        List<Throwable> serverCauses = new CopyOnWriteArrayList<>();
        SessionListener sessions = new SessionListener() {
            @Override
            public void onSessionDisconnected(Session session, Throwable cause) {
                serverCauses.add(cause);
            }
        };
        ServerConfig config = ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                .endpoint(Endpoint.resumable("/s", new WebSocketListener() { }, sessions)).build();
        try (TetherServer server = TetherServer.start(config);
                FaultProxy proxy = FaultProxy.start(server.port());
                TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true)
                        .heartbeat(HeartbeatConfig.DISABLED)
                        .reconnect(ReconnectPolicy.builder().backoff(Backoff.constant(Duration.ofMillis(50))).build())
                        .build())) {
            List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
            TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/s"), new SocketListener() {
                @Override
                public void onDisconnected(TetherSocket s, Disconnect info) {
                    disconnects.add(info);
                }
            });
            await().atMost(WAIT).until(() -> socket.state() == SocketState.OPEN);
            socket.sendText("x").toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
            proxy.killAll();
            await().atMost(WAIT).until(() -> !disconnects.isEmpty() && !serverCauses.isEmpty());
            // Before the fix the client's cause was Netty's NativeIoException ("recvAddress(..) failed").
            assertTyped(disconnects.get(0).cause());
            assertTyped(serverCauses.get(0));
        }
    }

    private static void assertTyped(Throwable cause) {
        assertThat(cause).isInstanceOf(TetherException.class);
        if (cause instanceof ConnectionResetException) {
            assertThat(cause.getCause()).as("the transport's own exception is kept").isInstanceOf(java.io.IOException.class);
        } else {
            assertThat(cause).isInstanceOf(ConnectionClosedException.class); // a FIN rather than an RST
        }
    }
}
