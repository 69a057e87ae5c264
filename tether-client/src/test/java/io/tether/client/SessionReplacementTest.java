package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.server.ConnectionReplacedException;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.RecordingListener;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A client resumes while its old connection is still attached on the server (half-open: the
 * client gave up on it, the server has not noticed yet). The application must hear the old
 * connection end before the session resumes, exactly once.
 */
@Tag("integration")
class SessionReplacementTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Session events in order, the disconnect with its cause's type. */
    static final class Recorder implements SessionListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Throwable> causes = new CopyOnWriteArrayList<>();
        volatile Session session;

        @Override
        public void onSessionCreated(Session s) {
            session = s;
            events.add("created");
        }

        @Override
        public void onSessionDisconnected(Session s, Throwable cause) {
            events.add("disconnected");
            causes.add(cause);
            assertThat(s.connection()).as("detached when told").isEmpty();
        }

        @Override
        public void onSessionResumed(Session s) {
            events.add("resumed");
        }
    }

    /** One raw tether.v1 connection whose frames are decoded into a queue. */
    private record Raw(WebSocketConnection connection, RecordingListener listener, LinkedBlockingQueue<Frame> frames) {
        static Raw open(TetherClient client, URI uri) throws Exception {
            LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
            RecordingListener listener = new RecordingListener() {
                @Override
                public void onBinary(WebSocketConnection connection, byte[] data) {
                    frames.add(FrameCodec.decode(ByteBuffer.wrap(data)));
                }
            };
            WebSocketConnection c = client.connect(uri, listener).toCompletableFuture().get(20, TimeUnit.SECONDS);
            return new Raw(c, listener, frames);
        }

        Frame.Welcome hello(String id, String token) throws InterruptedException {
            connection.sendBinary(FrameCodec.encode(new Frame.Hello(1, 0, id, token)).array());
            return (Frame.Welcome) frames.poll(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void resumeWhileTheOldConnectionIsAttached_reportsDisconnectedThenResumed_exactlyOnce() throws Exception {
        Recorder recorder = new Recorder();
        try (TetherServer srv = TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                        .endpoint(Endpoint.resumable("/s", new EchoListener(), recorder)).build());
                TetherClient client = TetherClient.create(ClientConfig.builder().heartbeat(HeartbeatConfig.DISABLED)
                        .subprotocols(List.of(Frame.SUBPROTOCOL)).build())) {
            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/s");
            Raw old = Raw.open(client, uri);
            Frame.Welcome first = old.hello("", "");
            // The WELCOME goes out before the listener hears of the new session: wait for it.
            await().atMost(WAIT).until(() -> recorder.session != null);
            String oldServerSideId = recorder.session.connection().orElseThrow().id();

            // The old connection stays open: to the server it is still the session's connection.
            Raw newer = Raw.open(client, uri);
            Frame.Welcome resumed = newer.hello(first.sessionId(), first.token());
            assertThat(resumed.resumed()).isTrue();

            RecordingListener.Terminal end = old.listener().awaitTerminal(WAIT);
            assertThat(end.code()).isEqualTo(1000);
            assertThat(end.reason()).isEqualTo("session resumed on another connection");
            // A round trip on the new connection, after the old one's end reached the server's session.
            newer.connection().sendBinary(FrameCodec.encode(new Frame.Ping(7)).array());
            assertThat(newer.frames().poll(20, TimeUnit.SECONDS)).isEqualTo(new Frame.Pong(7));
            await().atMost(WAIT).until(() -> srv.connectionCount() == 1);

            assertThat(recorder.events).containsExactly("created", "disconnected", "resumed");
            assertThat(recorder.causes).singleElement().isInstanceOfSatisfying(ConnectionReplacedException.class, e -> {
                assertThat(e.replacedId()).isEqualTo(oldServerSideId);
                assertThat(e.getMessage()).contains("replaced by a newer connection");
            });
            assertThat(recorder.session.isConnected()).isTrue();
            assertThat(recorder.session.connection().orElseThrow().id()).isNotEqualTo(oldServerSideId);
        }
    }
}
