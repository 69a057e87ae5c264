package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.BackpressureException;
import io.tether.core.ConnectionClosedException;
import io.tether.core.HandshakeRejectedException;
import io.tether.core.WebSocketConnection;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.outbox.OutboxConfig;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.server.AdmissionConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.testkit.FaultProxy;
import io.tether.testkit.RecordingListener;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reconnecting socket against real servers, a fault proxy and hand-made refusals, on loopback. */
@Tag("integration")
class ReconnectTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder()
            .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(400))).build();

    private static ClientConfig.Builder client(ReconnectPolicy policy) {
        return ClientConfig.builder().reconnect(policy).heartbeat(HeartbeatConfig.DISABLED)
                .connectTimeout(Duration.ofSeconds(2));
    }

    private static ServerConfig.Builder server(int port, RecordingListener listener) {
        return ServerConfig.builder().port(port).heartbeat(HeartbeatConfig.DISABLED)
                .restartRetryAfter(Duration.ofMillis(100)).endpoint(Endpoint.of("/echo", listener));
    }

    @Test
    void serverRestart_clientReconnects_andFlushesItsOutboxInOrder() throws Exception {
        RecordingListener first = new RecordingListener();
        TetherServer a = TetherServer.start(server(0, first).build());
        int port = a.port();
        try (TetherClient c = TetherClient.create(client(FAST).build())) {
            SocketRecorder events = new SocketRecorder();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + port + "/echo"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            a.stop().toCompletableFuture().get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> socket.state() == SocketState.RECONNECTING);
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sends.add(socket.sendText("m" + i).toCompletableFuture());
            }
            assertThat(sends).noneMatch(CompletableFuture::isDone);
            RecordingListener second = new RecordingListener();
            try (TetherServer b = TetherServer.start(server(port, second).build())) {
                events.awaitReconnect(WAIT);
                for (int i = 0; i < 50; i++) {
                    assertThat(second.nextMessage(WAIT)).isEqualTo("m" + i);
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
                assertThat(events.disconnects.get(0).cause()).isInstanceOfSatisfying(ConnectionClosedException.class,
                        e -> assertThat(e.code()).isEqualTo(1012));
                assertThat(events.disconnects.get(0).nextDelay().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
                socket.close().toCompletableFuture().get(20, TimeUnit.SECONDS);
                assertThat(events.events).startsWith("open", "disconnected retry=true").endsWith("closed 1000");
            }
        }
    }

    @Test
    void refusingProxy_retriesWithGrowingDelays_thenRecovers() throws Exception {
        RecordingListener serverSide = new RecordingListener();
        try (TetherServer srv = TetherServer.start(server(0, serverSide).build());
                FaultProxy proxy = FaultProxy.start(srv.port());
                TetherClient c = TetherClient.create(client(FAST).build())) {
            SocketRecorder events = new SocketRecorder();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            proxy.refuse(true);
            proxy.killAll();
            await().atMost(WAIT).until(() -> events.disconnects.size() >= 5);
            proxy.refuse(false);
            int attempts = events.awaitReconnect(WAIT);
            List<Long> delays = events.disconnects.stream().map(d -> d.backoff().orElseThrow().toMillis()).toList();
            assertThat(delays).startsWith(50L, 100L, 200L, 400L, 400L);
            assertThat(events.disconnects).as("the wait is what the refused attempt left of its delay")
                    .allMatch(d -> d.nextDelay().orElseThrow().compareTo(d.backoff().orElseThrow()) <= 0);
            assertThat(attempts).isEqualTo(delays.size());
            assertThat(events.disconnects).allMatch(Disconnect::willRetry);
            assertThat(socket.state()).isEqualTo(SocketState.OPEN);
        }
    }

    @Test
    void http401AtHandshake_isTerminal_notRetried() throws Exception {
        try (ServerSocket refusing = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                TetherClient c = TetherClient.create(client(FAST).build())) {
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> answer(refusing,
                    "HTTP/1.1 401 Unauthorized\r\nContent-Length: 13\r\nConnection: close\r\n\r\nwho are you?\n"));
            SocketRecorder events = new SocketRecorder();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + refusing.getLocalPort() + "/"), events);
            SocketRecorder.Closed closed = events.awaitClosed(WAIT);
            assertThat(closed.cause()).isInstanceOfSatisfying(HandshakeRejectedException.class,
                    e -> assertThat(e.status()).isEqualTo(401));
            assertThat(events.events).containsExactly("disconnected retry=false", "closed 1006");
            assertThat(socket.state()).isEqualTo(SocketState.CLOSED);
            assertThat(request.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("what the refusing server read")
                    .startsWith("GET / HTTP/1.1\r\n").containsIgnoringCase("upgrade: websocket");
        }
    }

    @Test
    void close1008FromServer_isTerminal() throws Exception {
        RecordingListener policing = new RecordingListener() {
            @Override
            public void onOpen(WebSocketConnection connection) {
                connection.close(1008, "not allowed here");
            }
        };
        try (TetherServer srv = TetherServer.start(server(0, policing).build());
                TetherClient c = TetherClient.create(client(FAST).build())) {
            SocketRecorder events = new SocketRecorder();
            c.open(URI.create("ws://127.0.0.1:" + srv.port() + "/echo"), events);
            SocketRecorder.Closed closed = events.awaitClosed(WAIT);
            assertThat(closed.code()).isEqualTo(1008);
            assertThat(closed.cause()).isInstanceOf(ConnectionClosedException.class);
            assertThat(events.events).containsExactly("open", "disconnected retry=false", "closed 1008");
        }
    }

    @Test
    void serverThatAcceptsAndDropsAtOnce_doesNotResetTheBackoff() throws Exception {
        RecordingListener dropping = new RecordingListener() {
            @Override
            public void onOpen(WebSocketConnection connection) {
                connection.close(1011, "broken");
            }
        };
        try (TetherServer srv = TetherServer.start(server(0, dropping).build());
                TetherClient c = TetherClient.create(client(FAST).build())) {
            SocketRecorder events = new SocketRecorder();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + srv.port() + "/echo"), events);
            await().atMost(WAIT).until(() -> events.disconnects.size() >= 4);
            socket.close();
            List<Long> delays = events.disconnects.stream().limit(4).map(d -> d.backoff().orElseThrow().toMillis()).toList();
            assertThat(delays).containsExactly(50L, 100L, 200L, 400L);
        }
    }

    @Test
    void retryAfterFromAdmissionControl_isHonoured() throws Exception {
        RecordingListener serverSide = new RecordingListener();
        try (TetherServer srv = TetherServer.start(server(0, serverSide).admission(AdmissionConfig.limit(1, 1)).build());
                TetherClient c = TetherClient.create(client(FAST).build())) {
            URI uri = URI.create("ws://127.0.0.1:" + srv.port() + "/echo");
            SocketRecorder firstEvents = new SocketRecorder();
            c.open(uri, firstEvents);
            firstEvents.opened.get(20, TimeUnit.SECONDS);
            SocketRecorder events = new SocketRecorder();
            c.open(uri, events);
            events.opened.get(20, TimeUnit.SECONDS);
            Disconnect refused = events.disconnects.get(0);
            assertThat(refused.cause()).isInstanceOfSatisfying(HandshakeRejectedException.class,
                    e -> assertThat(e.status()).isEqualTo(503));
            assertThat(refused.nextDelay().orElseThrow()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1500));
            assertThat(srv.stats().handshakesRejected()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void drain_spreadsClosesOverTheWindow_withTheRetryHint() throws Exception {
        RecordingListener serverSide = new RecordingListener();
        TetherServer srv = TetherServer.start(server(0, serverSide).restartRetryAfter(Duration.ofMillis(300)).build());
        try (TetherClient c = TetherClient.create(client(ReconnectPolicy.DISABLED).build())) {
            List<Long> closedAt = new CopyOnWriteArrayList<>();
            List<SocketRecorder> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                SocketRecorder events = new SocketRecorder() {
                    @Override
                    public void onDisconnected(TetherSocket socket, Disconnect info) {
                        closedAt.add(System.nanoTime());
                        super.onDisconnected(socket, info);
                    }
                };
                c.open(URI.create("ws://127.0.0.1:" + srv.port() + "/echo"), events);
                all.add(events);
            }
            for (SocketRecorder r : all) {
                r.opened.get(20, TimeUnit.SECONDS);
            }
            srv.stop(Duration.ofSeconds(1)).toCompletableFuture().get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> closedAt.size() == 20);
            long spread = TimeUnit.NANOSECONDS.toMillis(closedAt.stream().mapToLong(Long::longValue).max().orElseThrow()
                    - closedAt.stream().mapToLong(Long::longValue).min().orElseThrow());
            assertThat(spread).isBetween(700L, 3000L);
            for (SocketRecorder r : all) {
                assertThat(((ConnectionClosedException) r.disconnects.get(0).cause()).reason())
                        .isEqualTo("server restarting; retry-after=300ms");
            }
        }
    }

    @Test
    void reconnectNow_skipsTheWait() throws Exception {
        ReconnectPolicy slow = ReconnectPolicy.builder().backoff(Backoff.constant(Duration.ofSeconds(60))).build();
        RecordingListener serverSide = new RecordingListener();
        try (TetherServer srv = TetherServer.start(server(0, serverSide).build());
                FaultProxy proxy = FaultProxy.start(srv.port());
                TetherClient c = TetherClient.create(client(slow).build())) {
            SocketRecorder events = new SocketRecorder();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/echo"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            proxy.killAll();
            await().atMost(WAIT).until(() -> socket.state() == SocketState.RECONNECTING);
            await().atMost(WAIT).until(() -> !events.disconnects.isEmpty());
            assertThat(events.disconnects.get(0).backoff()).as("the wait that reconnectNow skips")
                    .contains(Duration.ofSeconds(60));
            socket.reconnectNow();
            // WAIT (20 s) is a third of the backoff: a reconnect within it did not wait the 60 s out.
            assertThat(events.awaitReconnect(WAIT)).isEqualTo(1);
            assertThat(events.events).contains("reconnecting 1");
        }
    }

    @Test
    void closeFromInsideACallback_works() throws Exception {
        RecordingListener serverSide = new RecordingListener() {
            @Override
            public void onOpen(WebSocketConnection connection) {
                connection.sendText("hello");
            }
        };
        try (TetherServer srv = TetherServer.start(server(0, serverSide).build());
                TetherClient c = TetherClient.create(client(FAST).build())) {
            SocketRecorder events = new SocketRecorder() {
                @Override
                public void onText(TetherSocket socket, String text) {
                    socket.close(4000, "got " + text);
                }
            };
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + srv.port() + "/echo"), events);
            SocketRecorder.Closed closed = events.awaitClosed(WAIT);
            assertThat(closed.code()).isEqualTo(4000);
            assertThat(closed.cause()).isNull();
            assertThat(serverSide.awaitTerminal(WAIT).reason()).isEqualTo("got hello");
            assertThat(socket.sendText("late").toCompletableFuture()).failsWithin(WAIT)
                    .withThrowableThat().havingCause().isInstanceOf(ConnectionClosedException.class);
        }
    }

    @Test
    void outboxOverflow_eachPolicy_whileDisconnected() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        URI nowhere = URI.create("ws://127.0.0.1:" + deadPort + "/");
        for (OutboxConfig.Overflow overflow : OutboxConfig.Overflow.values()) {
            OutboxConfig outbox = OutboxConfig.builder().maxMessages(2).overflow(overflow)
                    .waitTimeout(Duration.ofMillis(200)).build();
            try (TetherClient c = TetherClient.create(client(FAST).outbox(outbox).build())) {
                TetherSocket socket = c.open(nowhere, new SocketRecorder());
                var a = socket.sendText("a").toCompletableFuture();
                var b = socket.sendText("b").toCompletableFuture();
                var third = socket.sendText("c").toCompletableFuture();
                switch (overflow) {
                    case FAIL -> assertThat(third).failsWithin(WAIT).withThrowableThat().havingCause()
                            .isInstanceOf(BackpressureException.class).withMessageContaining("overflow FAIL");
                    case DROP_OLDEST -> {
                        assertThat(a).failsWithin(WAIT).withThrowableThat().havingCause()
                                .isInstanceOf(BackpressureException.class).withMessageContaining("DROP_OLDEST");
                        assertThat(b).isNotDone();
                        assertThat(third).isNotDone();
                    }
                    case WAIT -> assertThat(third).failsWithin(WAIT).withThrowableThat().havingCause()
                            .isInstanceOf(BackpressureException.class).withMessageContaining("within 200 ms");
                }
                socket.close().toCompletableFuture().get(20, TimeUnit.SECONDS);
                assertThat(b).as("queued messages fail when the socket closes").isCompletedExceptionally();
            }
        }
        OutboxConfig reject = OutboxConfig.builder().whileDisconnected(OutboxConfig.DisconnectedBehavior.REJECT).build();
        try (TetherClient c = TetherClient.create(client(FAST).outbox(reject).build())) {
            TetherSocket socket = c.open(nowhere, new SocketRecorder());
            assertThat(socket.sendText("x").toCompletableFuture()).failsWithin(WAIT).withThrowableThat().havingCause()
                    .isInstanceOf(ConnectionClosedException.class).withMessageContaining("REJECT");
        }
    }

    @Test
    void expiredMessage_isFailedInsteadOfSentLate() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        try (TetherClient c = TetherClient.create(client(FAST).build())) {
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + deadPort + "/"), new SocketRecorder());
            var stale = socket.sendText("stale", Duration.ofMillis(100)).toCompletableFuture();
            assertThat(stale).failsWithin(WAIT).withThrowableThat().havingCause()
                    .isInstanceOf(io.tether.core.MessageExpiredException.class);
        }
    }

    /** Accepts one connection, reads the request, answers {@code response}; returns what it read. */
    private static String answer(ServerSocket server, String response) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder();
            byte[] buffer = new byte[4096];
            int read;
            while (request.indexOf("\r\n\r\n") < 0 && (read = s.getInputStream().read(buffer)) > 0) {
                request.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
            }
            OutputStream out = s.getOutputStream();
            out.write(response.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return request.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
