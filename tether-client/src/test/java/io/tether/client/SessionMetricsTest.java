package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The session meters, server and client, after a scripted resume, a refused one and a blackhole: exact counts. */
@Tag("integration")
class SessionMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static double counter(MeterRegistry r, String name) {
        return r.get(name).tag("endpoint", "/echo").functionCounter().count();
    }

    @Test
    void aResume_andAFailedOne_countExactly() throws Exception {
        MeterRegistry meters = new SimpleMeterRegistry();
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).meterRegistry(meters)
                        .heartbeat(HeartbeatConfig.DISABLED)
                        .endpoint(Endpoint.resumable("/echo", new EchoListener(), new SessionTest.EchoSessions())).build());
                FaultProxy proxy = FaultProxy.start(server.port());
                TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true)
                        .heartbeat(HeartbeatConfig.DISABLED).reconnect(ReconnectPolicy.builder()
                                .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200))).build()).build());
                TetherClient raw = TetherClient.create(ClientConfig.builder().subprotocols(List.of(Frame.SUBPROTOCOL))
                        .heartbeat(HeartbeatConfig.DISABLED).build())) {
            SessionTest.Events events = new SessionTest.Events();
            TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), events);
            events.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            proxy.killAll();
            assertThat(events.resumed.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            RecordingListener forger = new RecordingListener();
            var c = raw.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), forger)
                    .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            c.sendBinary(FrameCodec.encode(new Frame.Hello(1, 0, socket.sessionId().orElseThrow(),
                    "AAAAAAAAAAAAAAAAAAAAAA")).array());
            await().atMost(WAIT).until(() -> counter(meters, "tether.sessions.opened") == 2);
            assertThat(counter(meters, "tether.sessions.resumed")).isEqualTo(1);
            assertThat(counter(meters, "tether.sessions.resume.failed")).isEqualTo(1);
            assertThat(meters.get("tether.sessions.held").tag("endpoint", "/echo").gauge().value()).isEqualTo(2);
        }
    }

    private static double clientCounter(MeterRegistry r, String name) {
        return r.get(name).functionCounter().count();
    }

    @Test
    void aBlackhole_isOneHeartbeatTimeoutOnEachSide_oneReconnectAttemptForIt_oneOutage_oneResume() throws Exception {
        MeterRegistry serverMeters = new SimpleMeterRegistry();
        MeterRegistry clientMeters = new SimpleMeterRegistry();
        HeartbeatConfig fast = HeartbeatConfig.builder().pingInterval(Duration.ofMillis(200))
                .pingTimeout(Duration.ofMillis(500)).build();
        try (TetherServer server = TetherServer.start(ServerConfig.builder().port(0).meterRegistry(serverMeters)
                        .heartbeat(fast)
                        .endpoint(Endpoint.resumable("/echo", new EchoListener(), new SessionTest.EchoSessions())).build());
                FaultProxy proxy = FaultProxy.start(server.port());
                TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true).meterRegistry(clientMeters)
                        .heartbeat(fast).handshakeTimeout(Duration.ofSeconds(1)).reconnect(ReconnectPolicy.builder()
                                .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200))).build())
                        .build())) {
            SessionTest.Events events = new SessionTest.Events();
            TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), events);
            events.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            socket.sendText("before").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // Pongs answered through the proxy: round trips measured on both sides.
            await().atMost(WAIT).until(() -> clientMeters.get("tether.client.heartbeat.rtt").timer().count() > 0
                    && serverMeters.get("tether.heartbeat.rtt").timer().count() > 0);

            long frozenAt = System.nanoTime();
            proxy.freeze();
            await().atMost(WAIT).until(() -> clientCounter(clientMeters, "tether.client.heartbeat.timeouts") == 1);
            await().atMost(WAIT).until(() -> {
                var c = serverMeters.find("tether.connections.closed").tag("cause", "heartbeat_timeout").counter();
                return c != null && c.count() == 1;
            });
            proxy.unfreeze();
            assertThat(events.resumed.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            long blackholeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
            socket.sendText("after").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(clientCounter(clientMeters, "tether.client.heartbeat.timeouts")).isEqualTo(1);
            assertThat(clientMeters.get("tether.client.reconnect.attempts").tag("cause", "heartbeat_timeout").counter()
                    .count()).isEqualTo(1);
            assertThat(clientMeters.get("tether.client.outage").timer().count()).isEqualTo(1);
            // From the detection to the resume: inside the blackhole, which began before the detection.
            assertThat(clientMeters.get("tether.client.outage").timer().totalTime(TimeUnit.MILLISECONDS))
                    .isGreaterThan(0).isLessThanOrEqualTo(blackholeMillis);
            assertThat(clientCounter(clientMeters, "tether.client.sessions.resumed")).isEqualTo(1);
            assertThat(clientCounter(clientMeters, "tether.client.sessions.reset")).isZero();
            assertThat(clientCounter(clientMeters, "tether.client.messages.in.doubt")).isZero();
            assertThat(clientMeters.get("tether.client.sockets").tag("state", "open").gauge().value()).isEqualTo(1);
            assertThat(clientMeters.get("tether.client.outbox.messages").gauge().value()).isZero();
            assertThat(clientCounter(clientMeters, "tether.client.messages.sent")).isGreaterThanOrEqualTo(2);
            assertThat(serverMeters.get("tether.sessions.resumed").tag("endpoint", "/echo").functionCounter().count())
                    .isEqualTo(1);
            var serverTimeouts = serverMeters.find("tether.connections.closed").tag("cause", "heartbeat_timeout").counter();
            assertThat(serverTimeouts.count()).isEqualTo(1);
        }
    }
}
