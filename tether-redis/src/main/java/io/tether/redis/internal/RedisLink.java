package io.tether.redis.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.tether.server.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection of a process to Redis (a server or a cluster), shared by every namespace.
 * Connecting never blocks: the first connection is opened in the background and an operation
 * issued meanwhile waits for it; if it cannot be opened, the operations waiting fail and the next
 * operation tries again. Once open, Lettuce reconnects by itself after a loss (waits doubling from
 * 10 ms to {@code maxReconnectDelay}); while it is down, commands are refused at once rather than
 * queued, and commands in flight when it broke fail rather than being sent again (at most once: a
 * script must never run twice because a connection broke). Thread-safe.
 */
public final class RedisLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
    private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(10);
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

    private final AbstractRedisClient client;
    private final ClientResources resources;
    private final Supplier<CompletableFuture<? extends StatefulConnection<byte[], byte[]>>> connector;
    private final Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commands;
    private final Duration timeout;
    /** The current (or last failed) attempt to open the connection; replaced only after a failure. */
    private final AtomicReference<CompletableFuture<StatefulConnection<byte[], byte[]>>> connection =
            new AtomicReference<>();
    private volatile boolean closed;

    private RedisLink(AbstractRedisClient client, ClientResources resources,
            Supplier<CompletableFuture<? extends StatefulConnection<byte[], byte[]>>> connector,
            Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commands,
            Duration timeout) {
        this.client = client;
        this.resources = resources;
        this.connector = connector;
        this.commands = commands;
        this.timeout = timeout;
        connection.set(attempt());
    }

    /** A link to one Redis server. */
    @SuppressWarnings("unchecked")
    public static RedisLink standalone(RedisURI uri, Duration timeout, Duration maxReconnectDelay) {
        ClientResources resources = resources(maxReconnectDelay);
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(socketOptions(timeout))
                .build());
        uri.setTimeout(timeout);
        return new RedisLink(client, resources, () -> client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture(),
                c -> ((StatefulRedisConnection<byte[], byte[]>) c).async(), timeout);
    }

    /** A link to a Redis Cluster, found through {@code seeds}. */
    @SuppressWarnings("unchecked")
    public static RedisLink cluster(List<RedisURI> seeds, Duration timeout, Duration maxReconnectDelay) {
        ClientResources resources = resources(maxReconnectDelay);
        seeds.forEach(uri -> uri.setTimeout(timeout));
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        client.setOptions(ClusterClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(socketOptions(timeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH) // and, by default, on MOVED, ASK, reconnects
                        .build())
                .build());
        // connectAsync needs the topology loaded first (the blocking connect would load it itself).
        return new RedisLink(client, resources, () -> client.refreshPartitionsAsync().toCompletableFuture()
                        .thenCompose(loaded -> client.connectAsync(ByteArrayCodec.INSTANCE))
                        .thenCompose(RedisLink::connectMasters),
                c -> ((StatefulRedisClusterConnection<byte[], byte[]>) c).async(), timeout);
    }

    /**
     * Opens the connection to every master before the link counts as open. Lettuce connects to a
     * cluster node on its first command, and with commands refused while not connected (at most
     * once) that first command would fail. A master that cannot be reached now is left out: its
     * slots fail until Lettuce reaches it.
     */
    private static CompletableFuture<StatefulRedisClusterConnection<byte[], byte[]>> connectMasters(
            StatefulRedisClusterConnection<byte[], byte[]> connection) {
        List<CompletableFuture<?>> masters = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                masters.add(connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
                        .handle((c, e) -> null));
            }
        }
        return CompletableFuture.allOf(masters.toArray(CompletableFuture[]::new)).thenApply(x -> connection);
    }

    private static ClientResources resources(Duration maxReconnectDelay) {
        Duration first = FIRST_RECONNECT_DELAY.compareTo(maxReconnectDelay) < 0 ? FIRST_RECONNECT_DELAY : maxReconnectDelay;
        return ClientResources.builder()
                .reconnectDelay(Delay.exponential(first, maxReconnectDelay, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    private static SocketOptions socketOptions(Duration timeout) {
        return SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
    }

    /**
     * The commands of the open connection, once it is open. Fails with
     * {@link StoreUnavailableException} when it cannot be opened, or after {@link #close()}.
     */
    public CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
        if (closed) {
            return CompletableFuture.failedFuture(closedFailure());
        }
        CompletableFuture<StatefulConnection<byte[], byte[]>> current = connection.get();
        if (current.isCompletedExceptionally()) {
            CompletableFuture<StatefulConnection<byte[], byte[]>> next = attempt();
            current = connection.compareAndSet(current, next) ? next : connection.get();
        }
        return current.thenApply(commands);
    }

    /** The timeout of each command. */
    public Duration timeout() {
        return timeout;
    }

    private CompletableFuture<StatefulConnection<byte[], byte[]>> attempt() {
        CompletableFuture<StatefulConnection<byte[], byte[]>> opened = new CompletableFuture<>();
        connector.get().whenComplete((c, e) -> {
            if (e != null) {
                opened.completeExceptionally(new StoreUnavailableException("cannot connect to Redis: " + Failures.unwrap(e),
                        Failures.unwrap(e)));
            } else if (closed) {
                c.closeAsync();
                opened.completeExceptionally(closedFailure());
            } else {
                opened.complete(c);
            }
        });
        return opened;
    }

    private static StoreUnavailableException closedFailure() {
        return new StoreUnavailableException("the Redis store is closed", new IllegalStateException("closed"));
    }

    /** Closes the connection and releases the client's threads; blocks until done. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<StatefulConnection<byte[], byte[]>> current = connection.get();
        if (current.isDone() && !current.isCompletedExceptionally()) {
            current.join().close();
        }
        client.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        Future<Boolean> released = resources.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            released.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Lettuce's threads did not stop within {} ms: {}", timeout.toMillis() * 2, e.toString());
        }
    }
}
