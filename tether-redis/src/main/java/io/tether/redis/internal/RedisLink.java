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
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.tether.server.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
    private final Supplier<CompletableFuture<? extends StatefulRedisPubSubConnection<byte[], byte[]>>> pubSubConnector;
    private final List<StatefulRedisPubSubConnection<byte[], byte[]>> subscriptions = new CopyOnWriteArrayList<>();
    /** The current (or last failed) attempt to open the connection; replaced only after a failure. */
    private final AtomicReference<ConnectAttempt> attempt = new AtomicReference<>();
    private volatile boolean closed;

    private RedisLink(AbstractRedisClient client, ClientResources resources,
            Supplier<CompletableFuture<? extends StatefulConnection<byte[], byte[]>>> connector,
            Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commands,
            Duration timeout, Supplier<CompletableFuture<? extends StatefulRedisPubSubConnection<byte[], byte[]>>> pubSub) {
        this.pubSubConnector = pubSub;
        this.client = client;
        this.resources = resources;
        this.connector = connector;
        this.commands = commands;
        this.timeout = timeout;
        ConnectAttempt first = new ConnectAttempt();
        attempt.set(first);
        start(first);
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
                c -> ((StatefulRedisConnection<byte[], byte[]>) c).async(), timeout,
                () -> client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture());
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
                c -> ((StatefulRedisClusterConnection<byte[], byte[]>) c).async(), timeout,
                () -> client.connectPubSubAsync(ByteArrayCodec.INSTANCE).toCompletableFuture());
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
     * Runs {@code operation} on the connection's commands: at once when it is open, else once it
     * is, operations in the order they came. Fails with {@link StoreUnavailableException} when the
     * connection cannot be opened (the next operation tries again), or after {@link #close()}.
     */
    public <T> CompletableFuture<T> run(Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> operation) {
        if (closed) {
            return CompletableFuture.failedFuture(closedFailure());
        }
        ConnectAttempt current = attempt.get();
        if (current.failed()) {
            ConnectAttempt next = new ConnectAttempt();
            if (attempt.compareAndSet(current, next)) {
                start(next);
            }
            current = attempt.get();
        }
        return current.run(operation);
    }

    /**
     * Subscribes to {@code channel} on a connection of its own (pub/sub), in the background: tries
     * again every second until it has it, and after a lost connection Lettuce subscribes again by
     * itself. {@code onMessage} hears each message, {@code onSubscribed} each (re)subscription —
     * messages published while not subscribed are lost — both on a Lettuce thread. Ends with
     * {@link #close()}.
     */
    public void subscribe(byte[] channel, Consumer<byte[]> onMessage, Runnable onSubscribed) {
        if (closed) {
            return;
        }
        pubSubConnector.get().thenCompose(c -> {
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] from, byte[] message) {
                    onMessage.accept(message);
                }

                @Override
                public void subscribed(byte[] to, long count) {
                    onSubscribed.run();
                }
            });
            subscriptions.add(c);
            if (closed) {
                c.closeAsync();
            }
            return c.async().subscribe(channel).toCompletableFuture().whenComplete((ok, e) -> {
                if (e != null) {
                    subscriptions.remove(c);
                    c.closeAsync();
                }
            });
        }).whenComplete((ok, e) -> {
            if (e != null && !closed) {
                log.debug("subscribing to Redis failed, trying again in 1 s: {}", Failures.unwrap(e).toString());
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> subscribe(channel, onMessage, onSubscribed));
            }
        });
    }

    /** The timeout of each command. */
    public Duration timeout() {
        return timeout;
    }

    /** Connects, loads the scripts (so that EVALSHA finds them), then opens {@code a}. */
    private void start(ConnectAttempt a) {
        connector.get().thenCompose(c -> loadScripts(commands.apply(c)).thenApply(x -> c)).whenComplete((c, e) -> {
            if (e != null) {
                Throwable cause = Failures.unwrap(e);
                a.failed(new StoreUnavailableException("cannot connect to Redis: " + cause, cause));
            } else if (closed) {
                c.closeAsync();
                a.failed(closedFailure());
            } else {
                a.opened(commands.apply(c));
            }
        });
    }

    /** SCRIPT LOAD of every script (on every cluster node); a script not loaded is sent by EVAL later. */
    private CompletableFuture<Void> loadScripts(RedisClusterAsyncCommands<byte[], byte[]> redis) {
        CompletableFuture<?>[] loads = Scripts.ALL.stream()
                .map(script -> redis.scriptLoad(script.source()).toCompletableFuture().handle((sha, e) -> {
                    if (e != null) {
                        log.debug("SCRIPT LOAD of {} failed, EVAL will load it: {}", script.name(), e.toString());
                    }
                    return null;
                }))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(loads);
    }

    private static StoreUnavailableException closedFailure() {
        return new StoreUnavailableException("the Redis store is closed", new IllegalStateException("closed"));
    }

    /**
     * Closes the connection (the client closes every connection it opened; pending commands fail)
     * and releases the client's threads; blocks until done, about twice the command timeout at most.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscriptions.forEach(StatefulConnection::closeAsync);
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
