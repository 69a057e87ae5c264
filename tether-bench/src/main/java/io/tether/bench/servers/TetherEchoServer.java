package io.tether.bench.servers;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.server.demo.EchoSessions;
import java.time.Duration;

/** Tether echo at /echo: plain WebSocket for plain clients, tether.v1 for clients that offer it. */
public final class TetherEchoServer {
    private TetherEchoServer() {
    }

    /** Starts and returns; {@code heartbeat} null means Tether's default (20 s / 10 s). */
    public static AutoCloseable start(int port, Duration heartbeat) {
        HeartbeatConfig hb = heartbeat == null ? HeartbeatConfig.DEFAULT
                : HeartbeatConfig.builder().pingInterval(heartbeat).build();
        TetherServer server = TetherServer.start(ServerConfig.builder().host("127.0.0.1").port(port).heartbeat(hb)
                .ioThreads(1).maxFrameSize(1 << 20).maxMessageSize(1 << 20)
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions())).build());
        return server::close;
    }
}
