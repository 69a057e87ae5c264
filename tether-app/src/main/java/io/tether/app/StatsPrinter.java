package io.tether.app;

import io.tether.server.ServerStats;
import io.tether.server.TetherServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints one line per interval: {@code stats t=<ms since start> accepted=+N rejected=+N open=N
 * sessions=N flagged=N}: the handshakes accepted and refused during the interval, connections and
 * sessions now, and the client messages delivered flagged as possible duplicates since the start.
 */
final class StatsPrinter {
    private StatsPrinter() {
    }

    static void start(TetherServer server, Duration interval, PrintWriter out) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tether-stats");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        ServerStats[] last = {server.stats()};
        timer.scheduleAtFixedRate(() -> {
            ServerStats now = server.stats();
            out.printf("stats t=%d accepted=+%d rejected=+%d open=%d sessions=%d flagged=%d%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    now.handshakesAccepted() - last[0].handshakesAccepted(),
                    now.handshakesRejected() - last[0].handshakesRejected(), now.openConnections(),
                    now.sessionsHeld(), now.flaggedDeliveries());
            out.flush();
            last[0] = now;
        }, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }
}
