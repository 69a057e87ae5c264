package io.tether.examples.client;

import io.tether.client.ClientConfig;
import io.tether.client.Disconnect;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.SessionExpiredException;
import io.tether.core.session.Delivery;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Sends numbered messages to an echo server and waits for every echo, across lost connections:
 * the socket reconnects by itself and resumes its {@code tether.v1} session, so nothing is lost and
 * nothing arrives twice. Exits 0 when all echoes came back, 1 after a 60 s timeout, 2 when a
 * session reset lost messages, 3 on a duplicate that was not flagged as one.
 *
 * <p>The same client works against a server that keeps its sessions in Redis
 * (examples/redis-resume): there the session outlives the server process, and the client resumes
 * it on the restarted server.
 *
 * <pre>java io.tether.examples.client.ReconnectingClient URL [COUNT]   (e.g. ws://127.0.0.1:8080/echo 20)</pre>
 */
public final class ReconnectingClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReconnectingClient() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: ReconnectingClient ws://HOST:PORT/PATH [COUNT]");
            System.exit(64);
        }
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.exit(run(URI.create(args[0]), count));
    }

    static int run(URI uri, int count) throws InterruptedException {
        ClientConfig config = ClientConfig.builder()
                // Offer tether.v1: a reconnect resumes the session instead of starting over.
                .resumable(true)
                .reconnect(ReconnectPolicy.builder()
                        // Decorrelated jitter (Tether's default, spelled out): clients that lost the
                        // same server come back spread out instead of all at once. 100 ms to retry
                        // soon after a blip, at most 5 s between attempts in a longer outage.
                        .backoff(Backoff.decorrelatedJitter(Duration.ofMillis(100), Duration.ofSeconds(5)))
                        // Keep trying when the server is not up yet (or still restarting) at the
                        // first connect too, not only after a connection that worked (the default).
                        .retryFirstConnect(true)
                        .build())
                .build();
        Echoes echoes = new Echoes(count);
        // One client per application: it owns the event loop threads; close() stops them.
        try (TetherClient client = TetherClient.create(config)) {
            TetherSocket socket = client.open(uri, echoes);
            for (int i = 1; i <= count && !echoes.result.isDone(); i++) {
                String text = "msg-" + i;
                // Never blocks, never throws: while disconnected the message waits in the outbox.
                // With tether.v1 the stage completes when the server has acknowledged the message.
                socket.sendText(text).whenComplete((ok, failure) -> echoes.sendDone(text, failure));
                Thread.sleep(100);
            }
            try {
                return echoes.result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                System.out.println("timed out: " + (count - echoes.received.size()) + " echoes missing");
                return 1;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Callbacks run on the socket's event loop, one at a time: print, count, never block. */
    static final class Echoes implements SocketListener {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final Set<String> received = ConcurrentHashMap.newKeySet();
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        private final int count;

        Echoes(int count) {
            this.count = count;
        }

        void sendDone(String text, @Nullable Throwable failure) {
            if (failure == null) {
                acknowledged.add(text);
            } else if (!received.contains(text)) {
                // In doubt after a session reset (InDoubtException), or the socket closed: the
                // server may or may not have it, and we don't send it again.
                System.out.println("not delivered " + text + ": " + failure);
                result.complete(2);
            }
        }

        @Override
        public void onOpen(TetherSocket socket) {
            System.out.println("connected, session " + socket.sessionId().orElse("?"));
        }

        @Override
        public void onText(TetherSocket socket, String text, Delivery delivery) {
            if (!received.add(text)) {
                if (delivery.possibleDuplicate()) {
                    // The server could not tell whether it had echoed this already (a node died
                    // between handling the message and recording it) and said so: drop the copy.
                    System.out.println("flagged duplicate dropped " + text);
                } else {
                    System.out.println("duplicate " + text);
                    result.complete(3);
                }
                return;
            }
            System.out.println("echo " + text);
            if (received.size() == count) {
                result.complete(0);
            }
        }

        @Override
        public void onDisconnected(TetherSocket socket, Disconnect info) {
            System.out.println("disconnected: " + info.cause().getMessage()
                    + (info.willRetry() ? ", retrying in " + info.nextDelay().orElseThrow().toMillis() + " ms" : ""));
        }

        @Override
        public void onReconnecting(TetherSocket socket, int attempt) {
            System.out.println("reconnecting attempt " + attempt);
        }

        @Override
        public void onResumed(TetherSocket socket) {
            // Same session: the server replays the echoes we missed, and our unacknowledged
            // messages are sent again; both sides drop what they already had.
            System.out.println("resumed");
        }

        @Override
        public void onSessionReset(TetherSocket socket, SessionExpiredException reason) {
            System.out.println(reason.getMessage()); // "session reset: <why> (<counts>)"
            // Messages the server never had go on in the new session (their echoes will come); those
            // in doubt fail their stages (sendDone). But the echo the old session still owed us for
            // a message the server acknowledged is gone with it: only the application could resync.
            Set<String> lost = acknowledged.stream().filter(t -> !received.contains(t)).collect(Collectors.toSet());
            if (!lost.isEmpty()) {
                System.out.println("lost " + lost.size() + " echoes");
                result.complete(2);
            }
        }

        @Override
        public void onClosed(TetherSocket socket, int code, String reason, @Nullable Throwable cause) {
            if (!result.isDone()) {
                System.out.println("closed: " + code + " " + reason + (cause == null ? "" : " (" + cause + ")"));
                result.complete(1);
            }
        }
    }
}
