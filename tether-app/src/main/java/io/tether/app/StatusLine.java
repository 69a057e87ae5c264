package io.tether.app;

import io.tether.client.TetherSocket;
import io.tether.core.RoundTripTime;
import io.tether.core.WebSocketConnection;
import io.tether.core.session.SessionStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code tether connect} on a terminal: one line on stderr, redrawn every second in place, with the
 * socket's state, the heartbeat's round trip and the session's counts. Event lines are written
 * above it ({@link #println}). Not used when stderr is not a terminal, nor with {@code --json}.
 */
final class StatusLine implements AutoCloseable {
    /** Carriage return, then erase to the end of the line (ANSI). */
    private static final String CLEAR = "\r\u001b[K";

    private final PrintWriter err;
    private volatile @org.jspecify.annotations.Nullable TetherSocket socket;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tether-status");
        t.setDaemon(true);
        return t;
    });
    private String shown = "";

    StatusLine(PrintWriter err) {
        this.err = err;
    }

    /** Starts redrawing for {@code s}. */
    void start(TetherSocket s) {
        socket = s;
        timer.scheduleAtFixedRate(this::redraw, 0, 1, TimeUnit.SECONDS);
    }

    /** An event line above the status line. */
    void println(String line) {
        println(err, line);
    }

    /** A line on {@code to} (stdout: a message) above the status line, which both share on a terminal. */
    synchronized void println(PrintWriter to, String line) {
        err.print(CLEAR);
        err.flush();
        to.println(line);
        to.flush();
        err.print(shown);
        err.flush();
    }

    private synchronized void redraw() {
        TetherSocket s = socket;
        if (s == null) {
            return;
        }
        shown = render(s.state().name(), s.connection().flatMap(WebSocketConnection::roundTripTime), s.sessionStats());
        err.print(CLEAR + shown);
        err.flush();
    }

    /** The line: {@code OPEN · rtt 1.2 ms (avg 1.4 ms) · sent 12 acked 12 · received 12 · replayed 0}. */
    static String render(String state, Optional<RoundTripTime> rtt, Optional<SessionStats> stats) {
        StringBuilder line = new StringBuilder(state);
        rtt.ifPresent(r -> line.append(" · rtt ").append(millis(r.last())).append(" (avg ").append(millis(r.smoothed()))
                .append(')'));
        stats.ifPresent(st -> line.append(" · sent ").append(st.sent()).append(" acked ").append(st.acknowledged())
                .append(" · received ").append(st.delivered()).append(" · replayed ").append(st.replayed())
                .append(" · duplicates dropped ").append(st.duplicatesDropped()));
        return line.toString();
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        err.print(CLEAR);
        err.flush();
    }
}
