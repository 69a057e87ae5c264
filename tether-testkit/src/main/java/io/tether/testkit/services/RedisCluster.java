package io.tether.testkit.services;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A real Redis Cluster for tests: {@link Options#masters()} masters (default 3) and
 * {@link Options#replicasPerMaster()} replicas of each, every node a separate
 * {@link RedisServer} ({@code --cluster-enabled yes --cluster-config-file nodes.conf
 * --cluster-node-timeout 2000}) on a free port of 127.0.0.1, joined by
 * {@code redis-cli --cluster create ... --cluster-yes}. {@link #start} returns once every node
 * reports {@code cluster_state:ok}, knows every other node, and every replica's link to its master
 * is up.
 *
 * <p>Which node becomes master is redis-cli's choice; ask {@link #masters()} and
 * {@link #replicasOf}, which read each node's {@code ROLE}. {@link #kill} crashes a node (with a
 * replica, the cluster fails over by itself after the node timeout; {@link #awaitOk()} waits for
 * that), {@link #failover} promotes a replica by {@code CLUSTER FAILOVER}, and
 * {@link RedisServer#restart()} of a node brings it back with its {@code nodes.conf}.
 */
public final class RedisCluster implements AutoCloseable {
    /** A node's cluster bus listens on its port + 10000. */
    private static final int BUS_PORT_OFFSET = 10000;
    private static final long SLOTS = 16384;

    private final Options options;
    private final Path dir;
    private final List<RedisServer> nodes;

    private RedisCluster(Options options, Path dir, List<RedisServer> nodes) {
        this.options = options;
        this.dir = dir;
        this.nodes = List.copyOf(nodes);
    }

    /** Three masters, no replicas. */
    public static RedisCluster start() {
        return start(Options.DEFAULT);
    }

    public static RedisCluster start(Options options) {
        Objects.requireNonNull(options, "options");
        Path dir = Dirs.temp("tether-redis-cluster-");
        List<RedisServer> nodes = new ArrayList<>();
        try {
            RedisServer.Options node = options.nodeOptions();
            for (int i = 0; i < options.size(); i++) {
                nodes.add(RedisServer.start(node, "redis-cluster-node-" + i, () -> FreePort.pickWithPartner(BUS_PORT_OFFSET)));
            }
            RedisCluster cluster = new RedisCluster(options, dir, nodes);
            cluster.create();
            cluster.awaitFormed();
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::close);
            Dirs.delete(dir);
            throw e;
        }
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of(options.redisCli().toString(), "--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
        command.addAll(List.of("--cluster-replicas", Integer.toString(options.replicasPerMaster()), "--cluster-yes"));
        ManagedProcess.Result result = ManagedProcess.run(command, dir, dir.resolve("cluster-create.log"),
                options.startTimeout());
        if (result.exitCode() != 0) {
            throw new ServiceException(String.join(" ", command) + " exited with " + result.exitCode() + ":\n"
                    + result.output());
        }
    }

    private void awaitFormed() {
        String known = "cluster_known_nodes:" + nodes.size();
        await(options.startTimeout(), () -> nodes.stream().allMatch(n -> {
            String info = clusterInfo(n);
            return info.contains("cluster_state:ok") && info.contains(known);
        }) && nodes.stream().allMatch(n -> {
            List<?> role = role(n);
            return !"slave".equals(role.get(0)) || "connected".equals(role.get(3));
        }), "formed (every node cluster_state:ok, " + known + ", every replica connected)");
    }

    /** Every node, in the order they were started (not by role). */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** {@code redis://127.0.0.1:PORT} of every node: seeds for a cluster client. */
    public List<String> seedUris() {
        return nodes.stream().map(RedisServer::uri).toList();
    }

    /** The seeds as one URI, {@code redis://127.0.0.1:P1,127.0.0.1:P2,...} (the form of {@code tether serve --store}). */
    public String uri() {
        return "redis://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    /** The running nodes that report role master now. */
    public List<RedisServer> masters() {
        return nodes.stream().filter(RedisServer::isRunning).filter(n -> "master".equals(role(n).get(0))).toList();
    }

    /** The running nodes that report being a replica of {@code master} now. */
    public List<RedisServer> replicasOf(RedisServer master) {
        requireMember(master);
        return nodes.stream().filter(n -> n != master && n.isRunning()).filter(n -> {
            List<?> role = role(n);
            return "slave".equals(role.get(0)) && Long.valueOf(master.port()).equals(asLong(role.get(2)));
        }).toList();
    }

    /** SIGKILL of one node, as a crash. */
    public void kill(RedisServer node) {
        requireMember(node);
        node.kill();
    }

    /**
     * Promotes a replica of {@code master} with {@code CLUSTER FAILOVER} (the coordinated manual
     * failover: the master stops writes until the replica has caught up) and waits until the
     * replica reports role master, the old master (if running) role replica, and the cluster is ok.
     * For a master that is down, {@link #kill} it and {@link #awaitOk()}: its replica takes over by
     * itself after the node timeout.
     *
     * @return the promoted node
     */
    public RedisServer failover(RedisServer master) {
        List<RedisServer> replicas = replicasOf(master);
        if (replicas.isEmpty()) {
            throw new ServiceException(master + " has no running replica to fail over to");
        }
        RedisServer replica = replicas.get(0);
        Object reply = replica.command("CLUSTER", "FAILOVER");
        if (!"OK".equals(reply)) {
            throw new ServiceException("CLUSTER FAILOVER on " + replica + " answered " + reply);
        }
        await(options.startTimeout(), () -> "master".equals(role(replica).get(0))
                && (!master.isRunning() || "slave".equals(role(master).get(0))),
                replica + " promoted in place of " + master);
        awaitOk();
        return replica;
    }

    /**
     * Waits (up to the start timeout) until the cluster serves every slot from a running master, as
     * every running node sees it: each reports {@code cluster_state:ok} and its {@code CLUSTER SLOTS}
     * covers all 16384 slots with masters that are running. (Right after a {@link #kill} the nodes
     * still say ok: they notice only after the node timeout; this waits through that and the failover.)
     */
    public void awaitOk() {
        await(options.startTimeout(), () -> {
            List<RedisServer> running = nodes.stream().filter(RedisServer::isRunning).toList();
            List<Long> ports = running.stream().map(n -> (long) n.port()).toList();
            return running.stream().allMatch(n -> clusterInfo(n).contains("cluster_state:ok") && servedBy(n, ports));
        }, "ok (every running node: cluster_state:ok, every slot on a running master)");
    }

    /** True when {@code node}'s CLUSTER SLOTS covers every slot, each range's master in {@code ports}. */
    private static boolean servedBy(RedisServer node, List<Long> ports) {
        long covered = 0;
        if (!(node.command("CLUSTER", "SLOTS") instanceof List<?> ranges)) {
            return false;
        }
        for (Object r : ranges) {
            List<?> range = (List<?>) r;
            List<?> master = (List<?>) range.get(2);
            if (!ports.contains(asLong(master.get(1)))) {
                return false;
            }
            covered += (Long) range.get(1) - (Long) range.get(0) + 1;
        }
        return covered == SLOTS;
    }

    private void await(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
        List<RedisServer> running = nodes.stream().filter(RedisServer::isRunning).toList();
        CompletableFuture<?> anyExit = CompletableFuture.anyOf(running.stream().map(RedisServer::exited)
                .toArray(CompletableFuture[]::new));
        Poll.until(timeout, () -> {
            try {
                return condition.getAsBoolean();
            } catch (ServiceException notReachableYet) {
                return false;
            }
        }, anyExit,
                () -> "a cluster node exited while waiting for the cluster to be " + what + "; " + describe(),
                () -> "cluster not " + what + " within " + timeout + "; " + describe());
    }

    private String describe() {
        StringBuilder text = new StringBuilder();
        for (RedisServer n : nodes) {
            text.append('\n').append(n);
            if (n.isRunning()) {
                try {
                    text.append(' ').append(role(n)).append(' ')
                            .append(clusterInfo(n).lines().filter(l -> l.startsWith("cluster_state")
                                    || l.startsWith("cluster_known_nodes")).toList());
                } catch (ServiceException e) {
                    text.append(' ').append(e.getMessage());
                }
            } else {
                text.append(" log:\n").append(n.logTail());
            }
        }
        return text.toString();
    }

    private static String clusterInfo(RedisServer node) {
        return String.valueOf(node.command("CLUSTER", "INFO"));
    }

    /** ROLE: [master, offset, replicas] or [slave, host, port, state, offset]. */
    private static List<?> role(RedisServer node) {
        Object reply = node.command("ROLE");
        if (reply instanceof List<?> list && !list.isEmpty()) {
            return list;
        }
        throw new ServiceException(node + " answered ROLE with " + reply);
    }

    private static @Nullable Long asLong(@Nullable Object value) {
        return value instanceof Long l ? l : value instanceof String s ? Long.valueOf(s) : null;
    }

    private void requireMember(RedisServer node) {
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException(node + " is not a node of this cluster");
        }
    }

    /** Stops every node by its PID and deletes the temporary directories. */
    @Override
    public void close() {
        try {
            nodes.forEach(RedisServer::close);
        } finally {
            Dirs.delete(dir);
        }
    }

    /**
     * How a {@link RedisCluster} is started.
     *
     * @param masters           at least 3 (what {@code redis-cli --cluster create} accepts); default 3
     * @param replicasPerMaster replicas of each master; default 0
     * @param nodeTimeout       {@code --cluster-node-timeout}: how long a node may be unreachable
     *                          before it counts as failed; default 2 s
     * @param node              options of every node (its port is ignored: each gets a free one);
     *                          the cluster flags are added to its args
     * @param redisCli          the {@code redis-cli} binary (default {@code /usr/bin/redis-cli}, or
     *                          the system property {@code tether.redis-cli})
     * @param startTimeout      bound of each wait: the create, the cluster becoming ok, a failover;
     *                          default 30 s
     */
    public record Options(int masters, int replicasPerMaster, Duration nodeTimeout, RedisServer.Options node,
            Path redisCli, Duration startTimeout) {
        public static final Path DEFAULT_REDIS_CLI = Path.of(System.getProperty("tether.redis-cli", "/usr/bin/redis-cli"));
        public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(2);
        public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
        public static final Options DEFAULT = new Options(3, 0, DEFAULT_NODE_TIMEOUT, RedisServer.Options.DEFAULT,
                DEFAULT_REDIS_CLI, DEFAULT_START_TIMEOUT);

        public Options {
            if (masters < 3) {
                throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters, was " + masters);
            }
            if (replicasPerMaster < 0) {
                throw new IllegalArgumentException("replicasPerMaster must be >= 0, was " + replicasPerMaster);
            }
            RedisServer.requirePositive(nodeTimeout, "nodeTimeout");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(redisCli, "redisCli");
            RedisServer.requirePositive(startTimeout, "startTimeout");
        }

        /** How many redis-server processes: masters × (1 + replicas). */
        public int size() {
            return masters * (1 + replicasPerMaster);
        }

        RedisServer.Options nodeOptions() {
            return node.toBuilder().port(0).arg("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis())).build();
        }

        public static Builder builder() {
            return DEFAULT.toBuilder();
        }

        public Builder toBuilder() {
            return new Builder(this);
        }

        /** Builder of {@link Options}; starts from the defaults. */
        public static final class Builder {
            private int masters;
            private int replicasPerMaster;
            private Duration nodeTimeout;
            private RedisServer.Options node;
            private Path redisCli;
            private Duration startTimeout;

            private Builder(Options o) {
                masters = o.masters;
                replicasPerMaster = o.replicasPerMaster;
                nodeTimeout = o.nodeTimeout;
                node = o.node;
                redisCli = o.redisCli;
                startTimeout = o.startTimeout;
            }

            public Builder masters(int masters) {
                this.masters = masters;
                return this;
            }

            public Builder replicasPerMaster(int replicasPerMaster) {
                this.replicasPerMaster = replicasPerMaster;
                return this;
            }

            public Builder nodeTimeout(Duration nodeTimeout) {
                this.nodeTimeout = nodeTimeout;
                return this;
            }

            public Builder node(RedisServer.Options node) {
                this.node = node;
                return this;
            }

            public Builder redisCli(Path redisCli) {
                this.redisCli = redisCli;
                return this;
            }

            public Builder startTimeout(Duration startTimeout) {
                this.startTimeout = startTimeout;
                return this;
            }

            public Options build() {
                return new Options(masters, replicasPerMaster, nodeTimeout, node, redisCli, startTimeout);
            }
        }
    }
}
