package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tether.core.NotDeliveredException;
import io.tether.core.SessionExpiredException;
import io.tether.core.UnacknowledgedMessage;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.session.Delivery;
import io.tether.core.session.SessionConfig;
import io.tether.server.Endpoint;
import io.tether.server.ServerConfig;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.TetherServer;
import io.tether.server.demo.EchoListener;
import io.tether.server.store.SessionStore;
import io.tether.server.store.SharedMemorySessionStores;
import io.tether.testkit.FaultProxy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two server nodes sharing one session store (in memory, flagged shared, so the servers run the
 * code they run on Redis), a client behind a proxy that a test points at either node: sessions
 * resume on the other node with nothing lost either way; the node that lost a session cannot
 * write to it; a session whose node is gone expires on the other one, once.
 */
@Tag("integration")
class CrossNodeSessionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder()
            .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200))).build();

    /** Records what every node's application saw, by node. */
    static final class NodeApp implements SessionListener {
        final String node;
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        final Map<String, Session> sessions = new ConcurrentHashMap<>();
        final CompletableFuture<SessionExpiredException> expired = new CompletableFuture<>();
        final List<String> events = new CopyOnWriteArrayList<>();

        NodeApp(String node) {
            this.node = node;
        }

        @Override
        public void onSessionCreated(Session session) {
            sessions.put(session.id(), session);
            events.add("created");
        }

        @Override
        public void onSessionResumed(Session session) {
            sessions.put(session.id(), session);
            events.add("resumed");
        }

        @Override
        public void onText(Session session, String text, Delivery delivery) {
            received.add(text);
            deliveries.add(delivery);
        }

        @Override
        public void onSessionExpired(Session session, SessionExpiredException reason) {
            events.add("expired");
            expired.complete(reason);
        }
    }

    private static TetherServer node(String id, SessionStore.Factory stores, NodeApp app, Duration ttl) {
        return node(id, stores, app, ttl, ServerConfig.DEFAULT_NODE_LEASE);
    }

    private static TetherServer node(String id, SessionStore.Factory stores, NodeApp app, Duration ttl,
            Duration lease) {
        return TetherServer.start(ServerConfig.builder().port(0).nodeId(id).sessionStores(stores).nodeLease(lease)
                .sessions(SessionConfig.builder().ttl(ttl).build())
                .endpoint(Endpoint.resumable("/s", new EchoListener(), app)).build());
    }

    /**
     * The shared stores as a node sees them until {@link #kill()}: from then on nothing it asks of
     * them arrives (every stage stays pending), as after a SIGKILL — no detach, no lease renewal,
     * no sweep — while the process, its connections and timers go on.
     */
    private static final class Killable implements SessionStore.Factory {
        private final SessionStore.Factory stores;
        private volatile boolean killed;

        Killable(SessionStore.Factory stores) {
            this.stores = stores;
        }

        void kill() {
            killed = true;
        }

        @Override
        public SessionStore open(String namespace) {
            SessionStore store = stores.open(namespace);
            return (SessionStore) Proxy.newProxyInstance(SessionStore.class.getClassLoader(),
                    new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                        if (killed && CompletionStage.class.isAssignableFrom(method.getReturnType())) {
                            return new CompletableFuture<>();
                        }
                        try {
                            return method.invoke(store, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    private static ClientConfig client() {
        return ClientConfig.builder().resumable(true).reconnect(FAST)
                .heartbeat(HeartbeatConfig.builder().pingInterval(Duration.ofMillis(500)).pingTimeout(Duration.ofMillis(500)).build())
                .build();
    }

    /** Nodes A and B on one shared store, a client connected to A through a proxy (the balancer). */
    private static final class TwoNodes implements AutoCloseable {
        final NodeApp appA = new NodeApp("a");
        final NodeApp appB = new NodeApp("b");
        final TetherServer a;
        final TetherServer b;
        final FaultProxy proxy;
        final TetherClient client;
        final SocketRecorder events = new SocketRecorder();
        final TetherSocket socket;

        TwoNodes() throws Exception {
            SharedMemorySessionStores stores = new SharedMemorySessionStores();
            a = node("node-a", stores, appA, Duration.ofMinutes(2));
            b = node("node-b", stores, appB, Duration.ofMinutes(2));
            proxy = FaultProxy.start(a.port());
            client = TetherClient.create(client());
            socket = client.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/s"), events);
            events.opened.get(20, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            client.close();
            proxy.close();
            b.close();
            a.close();
        }
    }

    @Test
    void aSessionResumesOnAnotherNode_andNothingIsLostEitherWay() throws Exception {
        try (TwoNodes n = new TwoNodes()) {
            List<CompletableFuture<Void>> clientSends = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                clientSends.add(n.socket.sendText("c" + i).toCompletableFuture());
            }
            await().atMost(WAIT).until(() -> n.appA.received.size() == 20 && n.appA.sessions.size() == 1);
            Session onA = n.appA.sessions.values().iterator().next();
            List<CompletableFuture<Void>> serverSends = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                serverSends.add(onA.sendText("s" + i).toCompletableFuture());
            }
            CompletableFuture.allOf(serverSends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

            n.proxy.retarget(n.b.port()); // the balancer sends the next connection to node B
            n.proxy.killAll();
            for (int i = 21; i <= 40; i++) {
                clientSends.add(n.socket.sendText("c" + i).toCompletableFuture());
            }
            await().atMost(WAIT).until(() -> n.appB.events.contains("resumed"));
            Session onB = n.appB.sessions.get(onA.id());
            assertThat(onB).as("node B continues the same session").isNotNull();
            for (int i = 21; i <= 40; i++) {
                serverSends.add(onB.sendText("s" + i).toCompletableFuture());
            }
            CompletableFuture.allOf(clientSends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            CompletableFuture.allOf(serverSends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            List<String> expectedFromServer = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                expectedFromServer.add("s" + i);
            }
            await().atMost(WAIT).until(() -> n.events.texts.size() >= 40);
            assertThat(n.events.texts).as("server→client: every message once, in order, across nodes")
                    .containsExactlyElementsOf(expectedFromServer);
            List<String> atServers = new ArrayList<>(n.appA.received);
            atServers.addAll(n.appB.received);
            List<String> expectedFromClient = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                expectedFromClient.add("c" + i);
            }
            List<String> unflaggedRepeats = new ArrayList<>();
            List<Delivery> all = new ArrayList<>(n.appA.deliveries);
            all.addAll(n.appB.deliveries);
            for (int i = 0; i < atServers.size(); i++) {
                if (atServers.subList(0, i).contains(atServers.get(i)) && !all.get(i).possibleDuplicate()) {
                    unflaggedRepeats.add(atServers.get(i));
                }
            }
            assertThat(atServers.stream().distinct().toList()).as("client→server: nothing lost, in order")
                    .containsExactlyElementsOf(expectedFromClient);
            assertThat(unflaggedRepeats).as("a message delivered twice is flagged the second time").isEmpty();
            long flagged = all.stream().filter(Delivery::possibleDuplicate).count();
            assertThat(n.a.stats().flaggedDeliveries() + n.b.stats().flaggedDeliveries())
                    .as("the servers count every flagged delivery").isEqualTo(flagged);
            assertThat(n.b.stats().sessionsHeld()).isEqualTo(1);
            assertThat(n.appB.events).doesNotContain("created");
        }
    }

    /** A shared store whose appends can be held back: they run only when released, in order. */
    private static final class HeldAppends implements io.tether.server.store.SessionStore.Factory {
        final SharedMemorySessionStores shared = new SharedMemorySessionStores();
        final java.util.concurrent.ConcurrentLinkedQueue<Runnable> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
        volatile boolean holding;

        @Override
        public io.tether.server.store.SessionStore open(String namespace) {
            io.tether.server.store.SessionStore inner = shared.open(namespace);
            return (io.tether.server.store.SessionStore) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {io.tether.server.store.SessionStore.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("append") && holding) {
                            CompletableFuture<Void> later = new CompletableFuture<>();
                            held.add(() -> invoke(method, inner, args).whenComplete((v, e) -> {
                                if (e != null) {
                                    later.completeExceptionally(e);
                                } else {
                                    later.complete(null);
                                }
                            }));
                            return later;
                        }
                        return method.invoke(inner, args);
                    });
        }

        @SuppressWarnings("unchecked")
        private static java.util.concurrent.CompletionStage<Void> invoke(java.lang.reflect.Method m, Object target, Object[] args) {
            try {
                return (java.util.concurrent.CompletionStage<Void>) m.invoke(target, args);
            } catch (ReflectiveOperationException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        void release() {
            holding = false;
            for (Runnable r; (r = held.poll()) != null; ) {
                r.run();
            }
        }
    }

    @Test
    void aResumeOnTheSameNode_whileASendIsBeingStored_keepsTheSession_andTheSendGoesThrough() throws Exception {
        HeldAppends stores = new HeldAppends();
        NodeApp app = new NodeApp("a");
        try (TetherServer a = TetherServer.start(ServerConfig.builder().port(0).nodeId("node-a").sessionStores(stores)
                        .endpoint(Endpoint.resumable("/s", new EchoListener(), app)).build());
                FaultProxy proxy = FaultProxy.start(a.port());
                TetherClient c = TetherClient.create(client())) {
            SocketRecorder events = new SocketRecorder();
            TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/s"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> app.sessions.size() == 1);
            Session session = app.sessions.values().iterator().next();
            stores.holding = true;
            CompletableFuture<Void> send = session.sendText("stored while the client came back").toCompletableFuture();
            proxy.killAll(); // the client resumes on the same node: its claim raises the epoch ...
            await().atMost(WAIT).until(() -> app.events.contains("resumed"));
            stores.release(); // ... and only then does the append reach the store, at the old epoch
            send.get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> events.texts.contains("stored while the client came back"));
            assertThat(events.disconnects).as("one disconnect: the kill; no 1013 from a session let go").hasSize(1);
            assertThat(app.events).containsExactly("created", "resumed");
            assertThat(socket.state()).isEqualTo(SocketState.OPEN);
        }
    }

    @Test
    void theNodeThatLostASession_cannotWriteToItAnyMore() throws Exception {
        try (TwoNodes n = new TwoNodes()) {
            await().atMost(WAIT).until(() -> n.appA.sessions.size() == 1);
            Session onA = n.appA.sessions.values().iterator().next();
            // Half-open: the path to node A goes dead; the client gives up on it (heartbeat) and,
            // when the network is back, the balancer sends it to node B.
            n.proxy.retarget(n.b.port()); // connections from now on go to B; A's stays where it is
            n.proxy.freeze();
            await().atMost(WAIT).until(() -> !n.events.disconnects.isEmpty());
            n.proxy.unfreeze();
            await().atMost(WAIT).until(() -> n.appB.events.contains("resumed"));
            CompletableFuture<Void> zombie = onA.sendText("from the node that lost it").toCompletableFuture();
            await().atMost(WAIT).until(zombie::isDone);
            assertThat(zombie).as("node A is fenced off: its send fails, it is not stored").isCompletedExceptionally();
            assertThat(zombie.handle((v, e) -> e).get()).isInstanceOfAny(NotDeliveredException.class,
                    SessionExpiredException.class, io.tether.core.InDoubtException.class);
            n.appB.sessions.get(onA.id()).sendText("from B").toCompletableFuture().get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> n.events.texts.contains("from B"));
            assertThat(n.events.texts).doesNotContain("from the node that lost it");
            assertThat(n.socket.state()).isEqualTo(SocketState.OPEN);
        }
    }

    @Test
    void aSessionWhoseNodeIsGone_expiresOnAnotherNode_once_listingWhatWasNeverAcknowledged() throws Exception {
        SharedMemorySessionStores stores = new SharedMemorySessionStores();
        NodeApp appA = new NodeApp("a");
        NodeApp appB = new NodeApp("b");
        Duration ttl = Duration.ofSeconds(3);
        try (TetherServer b = node("node-b", stores, appB, ttl)) {
            TetherServer a = node("node-a", stores, appA, ttl);
            try (TetherClient c = TetherClient.create(ClientConfig.builder().resumable(true)
                    .reconnect(ReconnectPolicy.DISABLED).build())) {
                SocketRecorder events = new SocketRecorder();
                TetherSocket socket = c.open(URI.create("ws://127.0.0.1:" + a.port() + "/s"), events);
                events.opened.get(20, TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> appA.sessions.size() == 1);
                socket.close();
                await().atMost(WAIT).until(() -> !appA.sessions.values().iterator().next().isConnected());
                // Sent while the client is away: stored, never acknowledged.
                appA.sessions.values().iterator().next().sendText("never acknowledged").toCompletableFuture()
                        .get(20, TimeUnit.SECONDS);
            }
            a.stop(Duration.ZERO).toCompletableFuture().get(20, TimeUnit.SECONDS); // node A is gone before the TTL passes
            SessionExpiredException reason = appB.expired.get(20, TimeUnit.SECONDS);
            assertThat(reason.unacknowledged()).extracting(UnacknowledgedMessage::seq).containsExactly(1L);
            assertThat(appA.events).doesNotContain("expired");
            assertThat(appB.events).containsOnlyOnce("expired");
        }
    }

    @Test
    void aSessionAttachedOnANodeThatDies_expiresOnAnotherNode_aTtlAfterItsLeaseEnded_once() throws Exception {
        SharedMemorySessionStores stores = new SharedMemorySessionStores();
        Killable storesOfA = new Killable(stores);
        NodeApp appA = new NodeApp("a");
        NodeApp appB = new NodeApp("b");
        Duration ttl = Duration.ofSeconds(2);
        Duration lease = Duration.ofMillis(500);
        try (TetherServer b = node("node-b", stores, appB, ttl, lease);
                TetherServer a = node("node-a", storesOfA, appA, ttl, lease);
                FaultProxy proxy = FaultProxy.start(a.port());
                TetherClient c = TetherClient.create(ClientConfig.builder().resumable(true)
                        .reconnect(ReconnectPolicy.DISABLED).build())) {
            // A session held by B all along: B's lease keeps it attached.
            SocketRecorder onB = new SocketRecorder();
            TetherSocket toB = c.open(URI.create("ws://127.0.0.1:" + b.port() + "/s"), onB);
            onB.opened.get(20, TimeUnit.SECONDS);
            SocketRecorder events = new SocketRecorder();
            c.open(URI.create("ws://127.0.0.1:" + proxy.port() + "/s"), events);
            events.opened.get(20, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> appA.sessions.size() == 1 && appB.sessions.size() == 1);
            Session onA = appA.sessions.values().iterator().next();
            proxy.freeze(); // the client hears nothing more, so it acknowledges nothing more
            onA.sendText("never acknowledged").toCompletableFuture().get(20, TimeUnit.SECONDS); // stored
            long killedAt = System.nanoTime();
            storesOfA.kill(); // node A dies attached: it never detaches the session, nor renews its lease

            SessionExpiredException reason = appB.expired.get(20, TimeUnit.SECONDS);
            long afterKill = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertThat(afterKill).as("not before its TTL, counted from the end of A's lease").isGreaterThanOrEqualTo(
                    ttl.toMillis());
            assertThat(reason.unacknowledged()).extracting(UnacknowledgedMessage::seq).containsExactly(1L);
            assertThat(appB.events).containsOnlyOnce("expired");
            assertThat(appA.events).doesNotContain("expired");
            assertThat(stores.open("/s").load(onA.id()).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEmpty();
            Session heldByB = appB.sessions.values().iterator().next();
            assertThat(heldByB.isConnected()).as("B's own session, attached on a live node, stays").isTrue();
            assertThat(stores.open("/s").load(heldByB.id()).toCompletableFuture().get(20, TimeUnit.SECONDS))
                    .isPresent();
            assertThat(toB.state()).isEqualTo(SocketState.OPEN);
            proxy.killAll(); // rather than wait for Close frames through the frozen proxy
        }
    }
}
