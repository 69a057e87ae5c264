package io.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.client.ClientConfig;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.server.demo.EchoSessions;
import io.tether.testkit.FaultProxy;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A proxy that resets the connection each time it is back: the client's log stays a handful of lines. */
@Tag("integration")
class FlappingProxyLogTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int FLAPS = 40;

    @Test
    void fortyResetsInARow_writeAtMostTheBurst_whileTheMetersCountEveryOne() throws Exception {
        MeterRegistry meters = new SimpleMeterRegistry();
        LinkedBlockingQueue<Integer> back = new LinkedBlockingQueue<>();
        try (LogCapture log = new LogCapture(ReconnectLog.LOGGER);
                TetherServer server = TetherServer.start(ServerConfig.builder().port(0).heartbeat(HeartbeatConfig.DISABLED)
                        .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions())).build());
                FaultProxy proxy = FaultProxy.start(server.port());
                TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true).meterRegistry(meters)
                        .heartbeat(HeartbeatConfig.DISABLED).reconnect(ReconnectPolicy.builder()
                                .backoff(Backoff.constant(Duration.ofMillis(20))).build()).build())) {
            TetherSocket socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), new SocketListener() {
                @Override
                public void onOpen(TetherSocket s) {
                    back.add(0);
                }

                @Override
                public void onResumed(TetherSocket s) {
                    back.add(1);
                }
            });
            assertThat(back.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
            for (int i = 0; i < FLAPS; i++) {
                // The echo proves the connection worked (a fresh, short backoff each time), then it is reset.
                socket.sendText("m" + i).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                proxy.killAll();
                assertThat(back.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("resume %d", i).isEqualTo(1);
            }
            assertThat(meters.get("tether.client.sessions.resumed").functionCounter().count()).isEqualTo(FLAPS);
            assertThat(meters.get("tether.client.reconnect.attempts").tag("cause", "reset").counter().count())
                    .isGreaterThanOrEqualTo(FLAPS);
            // 81 events (connected, then lost and reconnected 40 times): the burst of 10, and one more
            // if the run took longer than 30 s.
            assertThat(log.at(Level.INFO)).hasSizeBetween(10, 11);
            assertThat(log.at(Level.WARN)).isEmpty();
        }
    }
}
