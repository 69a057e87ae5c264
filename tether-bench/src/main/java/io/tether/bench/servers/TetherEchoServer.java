package io.tether.bench.servers;

import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.redis.RedisSessionStores;
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

    /** Starts and returns; {@code heartbeat} null means Tether's default (20 s / 10 s), zero none. */
    public static AutoCloseable start(int port, Duration heartbeat) {
        return start(port, heartbeat, null);
    }

    /** As {@link #start(int, Duration)}, with sessions in Redis when {@code store} is a redis:// URI. */
    public static AutoCloseable start(int port, Duration heartbeat, String store) {
        HeartbeatConfig hb = heartbeat == null ? HeartbeatConfig.DEFAULT
                : heartbeat.isZero() ? HeartbeatConfig.DISABLED
                : HeartbeatConfig.builder().pingInterval(heartbeat).build();
        ServerConfig.Builder config = ServerConfig.builder().host("127.0.0.1").port(port).heartbeat(hb)
                .ioThreads(1).maxFrameSize(1 << 20).maxMessageSize(1 << 20)
                .endpoint(Endpoint.resumable("/echo", new EchoListener(), new EchoSessions()));
        RedisSessionStores redis = store == null || store.equals("memory") ? null : RedisSessionStores.connect(store);
        if (redis != null) {
            config.sessionStores(redis);
        }
        TetherServer server = TetherServer.start(config.build());
        return () -> {
            server.close();
            if (redis != null) {
                redis.close();
            }
        };
    }
}
