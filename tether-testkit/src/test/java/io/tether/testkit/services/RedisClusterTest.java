package io.tether.testkit.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.core.testing.ConfigRoundTrip;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("services")
class RedisClusterTest {
    private static final RedisCluster.Options WITH_REPLICAS = RedisCluster.Options.builder().replicasPerMaster(1).build();

    @Test
    void start_threeMasters_everyNodeOkAndKeysSpreadOverTheMasters() {
        try (RedisCluster cluster = RedisCluster.start()) {
            assertThat(cluster.nodes()).hasSize(3);
            assertThat(cluster.masters()).hasSize(3);
            for (RedisServer node : cluster.nodes()) {
                assertThat(String.valueOf(node.command("CLUSTER", "INFO")))
                        .contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:3");
            }
            int first = cluster.nodes().get(0).port();
            int last = cluster.nodes().get(2).port();
            List<String> keys = IntStream.range(0, 20).mapToObj(i -> "key-" + i).toList();
            keys.forEach(k -> assertThat(Cli.cluster(first, "SET", k, "value-of-" + k)).isEqualTo("OK"));

            keys.forEach(k -> assertThat(Cli.cluster(last, "GET", k)).isEqualTo("value-of-" + k));
            List<Long> perMaster = cluster.masters().stream().map(m -> (Long) m.command("DBSIZE")).toList();
            assertThat(perMaster.stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
            assertThat(perMaster).allMatch(n -> n > 0);
        }
    }

    @Test
    void uris_nameEveryNode() {
        try (RedisCluster cluster = RedisCluster.start()) {
            List<Integer> ports = cluster.nodes().stream().map(RedisServer::port).toList();
            assertThat(cluster.seedUris()).containsExactly(ports.stream().map(p -> "redis://127.0.0.1:" + p).toArray(String[]::new));
            assertThat(cluster.uri()).isEqualTo("redis://127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1)
                    + ",127.0.0.1:" + ports.get(2));
        }
    }

    @Test
    void failover_promotesTheReplicaWhichServesTheMastersKeys() {
        try (RedisCluster cluster = RedisCluster.start(WITH_REPLICAS)) {
            assertThat(cluster.nodes()).hasSize(6);
            assertThat(cluster.masters()).hasSize(3).allSatisfy(m -> assertThat(cluster.replicasOf(m)).hasSize(1));
            RedisServer owner = writeOneKey(cluster);

            RedisServer promoted = cluster.failover(owner);

            assertThat(promoted).isNotSameAs(owner);
            assertThat(cluster.masters()).hasSize(3).contains(promoted).doesNotContain(owner);
            assertThat(cluster.replicasOf(promoted)).containsExactly(owner);
            assertThat(promoted.command("GET", "order")).isEqualTo("42");
            assertThat(Cli.cluster(cluster.nodes().get(0).port(), "GET", "order")).isEqualTo("42");
        }
    }

    @Test
    void kill_masterWithAReplica_clusterFailsOverByItself() {
        try (RedisCluster cluster = RedisCluster.start(WITH_REPLICAS)) {
            RedisServer owner = writeOneKey(cluster);
            RedisServer replica = cluster.replicasOf(owner).get(0);

            cluster.kill(owner);
            cluster.awaitOk();

            assertThat(owner.isRunning()).isFalse();
            assertThat(cluster.masters()).hasSize(3).contains(replica);
            assertThat(Cli.cluster(replica.port(), "GET", "order")).isEqualTo("42");
        }
    }

    /** SETs "order" through the cluster, waits until its master's replica has it, returns that master. */
    private static RedisServer writeOneKey(RedisCluster cluster) {
        assertThat(Cli.cluster(cluster.nodes().get(0).port(), "SET", "order", "42")).isEqualTo("OK");
        RedisServer owner = cluster.masters().stream().filter(m -> Long.valueOf(1).equals(m.command("DBSIZE")))
                .findFirst().orElseThrow();
        assertThat(owner.command("WAIT", "1", "5000")).isEqualTo(1L);
        return owner;
    }

    @Test
    void options_roundTripAndLimits() {
        RedisCluster.Options options = ConfigRoundTrip.of(RedisCluster.Options.class, RedisCluster.Options::builder,
                        RedisCluster.Options.Builder::build, RedisCluster.Options::toBuilder)
                .with(Path.class, Path.of("/opt/redis/bin/redis-x"))
                .verify();
        assertThat(options.toBuilder().build()).isEqualTo(options);
        assertThat(WITH_REPLICAS.size()).isEqualTo(6);
        assertThatThrownBy(() -> RedisCluster.Options.builder().masters(2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 3 masters");
        assertThat(RedisCluster.Options.DEFAULT.nodeOptions().args())
                .containsSequence("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "2000");
    }
}
