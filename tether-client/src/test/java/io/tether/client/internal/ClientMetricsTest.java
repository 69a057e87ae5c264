package io.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.client.ClientConfig;
import io.tether.core.CloseCodes;
import io.tether.core.ConnectFailedException;
import io.tether.core.ConnectionClosedException;
import io.tether.core.HandshakeRejectedException;
import io.tether.core.heartbeat.HeartbeatTimeoutException;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.testing.FakeScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client's reconnect meters in virtual time: exact attempts by cause, exact outage durations. */
class ClientMetricsTest {
    private final FakeScheduler clock = new FakeScheduler();
    private final FakeServer server = new FakeServer();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final ClientMetrics metrics = ClientMetrics.of(meters, ConcurrentHashMap.newKeySet());

    private ReconnectingSocket socket() {
        ClientConfig config = ClientConfig.builder().resumable(true).reconnect(ReconnectPolicy.builder()
                .backoff(Backoff.constant(Duration.ofMillis(100))).build()).build();
        ReconnectingSocket s = ReconnectingSocket.create(URI.create("ws://127.0.0.1:1/x"), server, config, new Random(7),
                clock, new ReconnectingSocketTest.Recorder(), metrics);
        s.start();
        return s;
    }

    private FakeServer.Link welcome(boolean resumed) {
        FakeServer.Link link = server.nextDial().accept(Frame.SUBPROTOCOL);
        link.welcome(resumed, "s1", 0); // the client sent nothing: the server received nothing
        return link;
    }

    private double attempts(String cause) {
        var c = meters.find("tether.client.reconnect.attempts").tag("cause", cause).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anOutageLastsFromTheLossToTheNextReadyConnection_countingEachFailedAttemptByItsCause() {
        socket();
        FakeServer.Link first = welcome(false);
        first.sendData("worked");
        clock.advanceMillis(5_000);
        first.reset();                                   // t = 5000: the outage starts
        clock.advanceMillis(100);
        server.nextDial().refuse();                      // t = 5100
        clock.advanceMillis(100);
        server.nextDial().fail(new HandshakeRejectedException(503, "draining", java.util.Map.of()));
        clock.advanceMillis(100);
        welcome(true);                                   // t = 5300: over, resumed

        var outage = meters.get("tether.client.outage").timer();
        assertThat(outage.count()).isEqualTo(1);
        assertThat(outage.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300);
        assertThat(attempts("reset")).isEqualTo(1);
        assertThat(attempts("connect_failed")).isEqualTo(1);
        assertThat(attempts("handshake_503")).isEqualTo(1);
        assertThat(attempts("protocol_error")).isZero();
        assertThat(meters.get("tether.client.sessions.resumed").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("tether.client.sessions.reset").functionCounter().count()).isZero();
    }

    @Test
    void aFirstConnectThatFails_isNoOutage_andANewSessionAfterALossIsAReset() {
        socket();
        server.nextDial().refuse();
        clock.advanceMillis(100);
        FakeServer.Link first = welcome(false);
        assertThat(meters.get("tether.client.outage").timer().count()).isZero();
        first.sendData("worked");
        first.closeFromServer(CloseCodes.SERVICE_RESTART, "server restarting; retry-after=100ms");
        clock.advanceMillis(1_000);
        FakeServer.Link second = server.nextDial().accept(Frame.SUBPROTOCOL);
        second.welcome(false, "s2", 0);                  // the server did not resume s1

        assertThat(attempts("server_restart")).isEqualTo(1);
        assertThat(meters.get("tether.client.outage").timer().count()).isEqualTo(1);
        assertThat(meters.get("tether.client.sessions.reset").functionCounter().count()).isEqualTo(1);
    }

    @Test
    void causesAreAFixedSmallSet() {
        assertThat(ClientMetrics.causeOf(new HeartbeatTimeoutException(Duration.ofSeconds(30), Duration.ofSeconds(30),
                "silence", 2, 1, java.util.Optional.empty()))).isEqualTo("heartbeat_timeout");
        assertThat(ClientMetrics.causeOf(new ConnectFailedException("x", new java.io.IOException()))).isEqualTo("connect_failed");
        assertThat(ClientMetrics.causeOf(new ConnectionClosedException(CloseCodes.TRY_AGAIN_LATER, "")))
                .isEqualTo("try_again_later");
        assertThat(ClientMetrics.causeOf(new ConnectionClosedException(CloseCodes.CREDENTIALS_EXPIRED, "")))
                .isEqualTo("credentials_expired");
        assertThat(ClientMetrics.causeOf(new ConnectionClosedException(4321, ""))).isEqualTo("closed");
        assertThat(ClientMetrics.causeOf(new IllegalStateException())).isEqualTo("other");
    }

    @Test
    void aSocketThatFlapsForTenMinutes_logsItsBurstThenOneLinePer30Seconds_sayingHowManyWereLeftOut() {
        try (LogCapture log = new LogCapture(ReconnectLog.LOGGER)) {
            socket();
            welcome(false).sendData("first"); // "connected": the first line
            int flaps = 0;
            for (long t = 0; t < 600_000; t += 3_000) { // a reset every 3 s for 10 minutes
                FakeServer.Link link = server.links.get(server.links.size() - 1);
                link.reset();
                clock.advanceMillis(100);
                welcome(true).sendData("worked");
                clock.advanceMillis(2_900);
                flaps++;
            }
            assertThat(flaps).isEqualTo(200);
            assertThat(attempts("reset")).isEqualTo(200);
            var info = log.at(ch.qos.logback.classic.Level.INFO);
            // 401 events (connected, then lost and reconnected per flap); written: the burst of 10, then
            // one at 30, 60, ... 570 s (the last flap is at 597 s, before the token of 600 s).
            assertThat(info).hasSize(10 + 19);
            long told = info.stream().flatMap(e -> e.getKeyValuePairs() == null ? java.util.stream.Stream.empty()
                    : e.getKeyValuePairs().stream()).filter(kv -> kv.key.equals("suppressed"))
                    .mapToLong(kv -> ((Number) kv.value).longValue()).sum();
            assertThat(told).as("every line left out is counted in a later one, but those of the last 30 s")
                    .isBetween(401L - info.size() - 20, 401L - info.size());
            assertThat(log.at(ch.qos.logback.classic.Level.WARN)).isEmpty();
        }
    }
}
