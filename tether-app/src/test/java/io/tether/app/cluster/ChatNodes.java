package io.tether.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testkit.PeerProcess;
import io.tether.testkit.services.Nginx;
import io.tether.testkit.services.RedisServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster for tests: a fresh redis-server, {@code n} {@code tether serve --store redis://…}
 * processes (node-1, node-2, …; the chat and its page, heartbeat {@code ping} both ways) and nginx
 * in front of them, round robin. Closing stops what it started, by PID.
 */
public final class ChatNodes implements AutoCloseable {
    private final RedisServer redis;
    private final Map<String, PeerProcess> nodes = new LinkedHashMap<>();
    private final Nginx nginx;

    private ChatNodes(RedisServer redis, Nginx nginx, Map<String, PeerProcess> nodes) {
        this.redis = redis;
        this.nginx = nginx;
        this.nodes.putAll(nodes);
    }

    /** Starts it all; {@code ping} is the nodes' ping interval and timeout. */
    public static ChatNodes start(int n, Duration ping) throws Exception {
        RedisServer redis = RedisServer.start();
        Map<String, PeerProcess> nodes = new LinkedHashMap<>();
        try {
            // One secret for every node: a token the demo login of one node issued is good on all.
            Path secret = Files.createTempFile("tether-demo-secret", ".txt");
            secret.toFile().deleteOnExit();
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            Files.writeString(secret, java.util.Base64.getEncoder().encodeToString(random));
            List<Integer> ports = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                int port = freePort();
                ports.add(port);
                nodes.put("node-" + i, serve(port, redis.uri(), "node-" + i, ping, secret));
            }
            return new ChatNodes(redis, Nginx.start(ports), nodes);
        } catch (Exception | AssertionError e) {
            nodes.values().forEach(PeerProcess::close);
            redis.close();
            throw e;
        }
    }

    private static PeerProcess serve(int port, String redis, String node, Duration ping, Path secret) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String d = ping.toMillis() + "ms";
        PeerProcess p = PeerProcess.start(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.tether.app.TetherCli", "serve", "--port", String.valueOf(port), "--store", redis, "--node-id", node,
                "--ping-interval", d, "--ping-timeout", d, "--auth-jwt-secret-file", secret.toString(), "--demo-login");
        assertThat(p.nextLine(Duration.ofSeconds(30))).startsWith("Tether serving");
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** nginx's {@code http://127.0.0.1:port}. */
    public String httpUrl() {
        return nginx.httpUrl();
    }

    /** nginx's {@code ws://127.0.0.1:port}. */
    public String wsUrl() {
        return nginx.wsUrl();
    }

    /** SIGKILLs node {@code name} (node-1, …), as a crash would. */
    public void kill(String name) throws InterruptedException {
        PeerProcess p = nodes.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no node " + name + " among " + nodes.keySet());
        }
        p.kill();
    }

    @Override
    public void close() {
        nginx.close();
        nodes.values().forEach(PeerProcess::close);
        redis.close();
    }
}
