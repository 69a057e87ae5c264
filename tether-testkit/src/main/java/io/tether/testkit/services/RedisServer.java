package io.tether.testkit.services;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} on a free port of 127.0.0.1, for tests. Its temporary directory holds
 * the log ({@code redis.log}, kept across restarts) and the data directory ({@code data/}, Redis's
 * {@code --dir}). It starts with no snapshots ({@code --save ""}), append-only file as
 * {@link Options#appendOnly()} says, bound to 127.0.0.1, not protected, not daemonized; it is ready
 * when it answers {@code PING} with {@code PONG} (not {@code -LOADING}) and {@code INFO} names its PID.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start(RedisServer.Options.builder().appendOnly(true).build())) {
 *     redis.command("SET", "k", "v");
 *     redis.kill();        // SIGKILL, as a crash
 *     redis.restart();     // same port, same data directory: the AOF brings "k" back
 *     redis.restartEmpty(); // same port, data directory deleted first
 * }
 * }</pre>
 *
 * <p>States: {@code RUNNING ⇄ STOPPED} ({@link #stop()}, {@link #kill()} / {@link #restart()},
 * {@link #restartEmpty()}), either {@code → CLOSED} ({@link #close()}: stops it and deletes the
 * temporary directory). Methods are synchronized: a fixture is driven by one test at a time, and
 * the lock only keeps a watchdog thread and the test from starting it twice.
 */
public final class RedisServer implements AutoCloseable {
    private static final int PORT_ATTEMPTS = 3;

    private enum State {
        /** The process is up and answered PING. */
        RUNNING,
        /** Stopped or killed; {@link #restart()} brings it back on the same port. */
        STOPPED,
        /** Closed for good; the temporary directory is gone. */
        CLOSED
    }

    private final Options options;
    private final String name;
    private final IntSupplier freePort;
    private final Path dir;
    private final Path dataDir;
    private final Path log;
    private int port;
    private @Nullable ManagedProcess process;
    private State state = State.STOPPED;

    private RedisServer(Options options, String name, IntSupplier freePort) {
        this.options = options;
        this.name = name;
        this.freePort = freePort;
        this.dir = Dirs.temp("tether-redis-");
        this.dataDir = Dirs.create(dir.resolve("data"));
        this.log = dir.resolve("redis.log");
    }

    /** Starts a server with the {@link Options#DEFAULT default options}. */
    public static RedisServer start() {
        return start(Options.DEFAULT);
    }

    /** Starts a server and returns once it answers PING; on failure the message quotes its log. */
    public static RedisServer start(Options options) {
        return start(options, "redis-server", FreePort::pick);
    }

    /** With {@code freePort} choosing the port when {@link Options#port()} is 0. */
    static RedisServer start(Options options, String name, IntSupplier freePort) {
        Objects.requireNonNull(options, "options");
        RedisServer server = new RedisServer(options, name, freePort);
        try {
            server.startOnFreePort();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private synchronized void startOnFreePort() {
        for (int attempt = 1; ; attempt++) {
            port = options.port() != 0 ? options.port() : freePort.getAsInt();
            try {
                launch();
                return;
            } catch (ServiceException e) {
                boolean taken = ManagedProcess.tail(log, 5).contains("Address already in use");
                if (!taken || options.port() != 0 || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void launch() {
        ManagedProcess started = ManagedProcess.start(name + " :" + port, command(), dir, log);
        process = started;
        try {
            started.awaitReady(options.startTimeout(), () -> answersPing(started.pid()), "answering PING");
        } catch (ServiceException e) {
            started.kill(options.stopTimeout());
            state = State.STOPPED;
            throw e;
        }
        state = State.RUNNING;
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(options.executable().toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode", "no",
                "--daemonize", "no", "--dir", dataDir.toString(), "--save", "",
                "--appendonly", options.appendOnly() ? "yes" : "no"));
        if (options.saveOnStop()) {
            command.addAll(List.of("--shutdown-on-sigterm", "save"));
        }
        command.addAll(options.args());
        return command;
    }

    /**
     * PONG from the server with our PID: a PONG alone could come from another server that holds
     * the port, while ours is about to exit with "Address already in use".
     */
    private boolean answersPing(long pid) {
        try {
            return "PONG".equals(Resp.call(port, "PING"))
                    && Resp.call(port, "INFO", "server") instanceof String info
                    && info.lines().anyMatch(("process_id:" + pid)::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** The port, the same across restarts. */
    public synchronized int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public synchronized String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The PID of the running process. */
    public synchronized long pid() {
        return running().pid();
    }

    /** True while the process is alive (false after {@link #kill()}, or when it died by itself). */
    public synchronized boolean isRunning() {
        return state == State.RUNNING && process != null && process.isAlive();
    }

    /** Completes when the current process exits; already complete when it is not running. */
    synchronized CompletableFuture<?> exited() {
        ManagedProcess p = process;
        return state == State.RUNNING && p != null ? p.onExit() : CompletableFuture.completedFuture(null);
    }

    /** Redis's {@code --dir}: what {@link #restart()} keeps and {@link #restartEmpty()} deletes. */
    public Path dataDir() {
        return dataDir;
    }

    /** The last lines of the server's log. */
    public String logTail() {
        return ManagedProcess.tail(log, 30);
    }

    /**
     * Sends one command and returns the reply: a {@code String} for status and bulk replies, a
     * {@code Long} for integers, a {@code List} for arrays, {@code null} for nil.
     *
     * @throws ServiceException when Redis answers with an error or cannot be reached
     */
    public @Nullable Object command(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        int p = port();
        Object reply;
        try {
            reply = Resp.call(p, args);
        } catch (IOException e) {
            throw new ServiceException(name + " :" + p + " unreachable for " + args[0] + ": " + e.getMessage(), e);
        }
        if (reply instanceof Resp.Error error) {
            throw new ServiceException(name + " :" + p + " answered " + String.join(" ", args) + " with " + error.message());
        }
        return reply;
    }

    /**
     * SIGTERM and a bounded wait (then SIGKILL). Redis writes a snapshot first only with
     * {@link Options#saveOnStop()}; the append-only file, when on, is flushed either way.
     */
    public synchronized void stop() {
        if (state == State.RUNNING) {
            running().stop(options.stopTimeout());
            state = State.STOPPED;
        }
    }

    /** SIGKILL, as a crash: no snapshot, nothing flushed that Redis had not yet written. */
    public synchronized void kill() {
        if (state == State.RUNNING) {
            running().kill(options.stopTimeout());
            state = State.STOPPED;
        }
    }

    /** Stops it if running and starts it again on the same port with the same data directory. */
    public synchronized void restart() {
        requireOpen();
        stop();
        launch();
    }

    /** Stops it if running, deletes the data directory, and starts it again on the same port. */
    public synchronized void restartEmpty() {
        requireOpen();
        stop();
        Dirs.delete(dataDir);
        Dirs.create(dataDir);
        launch();
    }

    /** Stops the process (SIGTERM, bounded wait, SIGKILL) and deletes the temporary directory. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        try {
            stop();
        } finally {
            state = State.CLOSED;
            Dirs.delete(dir);
        }
    }

    @Override
    public synchronized String toString() {
        return name + " :" + port + " (" + state + ")";
    }

    private ManagedProcess running() {
        requireOpen();
        ManagedProcess p = process;
        if (p == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return p;
    }

    private void requireOpen() {
        if (state == State.CLOSED) {
            throw new IllegalStateException(name + " :" + port + " is closed");
        }
    }

    /**
     * How a {@link RedisServer} is started.
     *
     * @param executable   the {@code redis-server} binary (default {@code /usr/bin/redis-server},
     *                     or the system property {@code tether.redis-server})
     * @param port         0 (default) for a free port, else this one
     * @param appendOnly   {@code --appendonly yes}: every write is in the AOF, so a restart after
     *                     {@link #kill()} keeps it
     * @param saveOnStop   {@code --shutdown-on-sigterm save}: {@link #stop()} writes a snapshot
     * @param args         extra arguments appended last (later ones win), e.g. {@code --maxmemory 10mb}
     * @param startTimeout how long to wait for PONG (default 10 s)
     * @param stopTimeout  how long SIGTERM may take before SIGKILL (default 10 s)
     */
    public record Options(Path executable, int port, boolean appendOnly, boolean saveOnStop, List<String> args,
            Duration startTimeout, Duration stopTimeout) {
        public static final Path DEFAULT_EXECUTABLE = Path.of(System.getProperty("tether.redis-server", "/usr/bin/redis-server"));
        public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
        public static final Options DEFAULT = new Options(DEFAULT_EXECUTABLE, 0, false, false, List.of(),
                DEFAULT_START_TIMEOUT, DEFAULT_STOP_TIMEOUT);

        public Options {
            Objects.requireNonNull(executable, "executable");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, was " + port);
            }
            args = List.copyOf(args);
            requirePositive(startTimeout, "startTimeout");
            requirePositive(stopTimeout, "stopTimeout");
        }

        public static Builder builder() {
            return DEFAULT.toBuilder();
        }

        public Builder toBuilder() {
            return new Builder(this);
        }

        /** Builder of {@link Options}; starts from the defaults. */
        public static final class Builder {
            private Path executable;
            private int port;
            private boolean appendOnly;
            private boolean saveOnStop;
            private List<String> args;
            private Duration startTimeout;
            private Duration stopTimeout;

            private Builder(Options o) {
                executable = o.executable;
                port = o.port;
                appendOnly = o.appendOnly;
                saveOnStop = o.saveOnStop;
                args = o.args;
                startTimeout = o.startTimeout;
                stopTimeout = o.stopTimeout;
            }

            public Builder executable(Path executable) {
                this.executable = executable;
                return this;
            }

            public Builder port(int port) {
                this.port = port;
                return this;
            }

            public Builder appendOnly(boolean appendOnly) {
                this.appendOnly = appendOnly;
                return this;
            }

            public Builder saveOnStop(boolean saveOnStop) {
                this.saveOnStop = saveOnStop;
                return this;
            }

            /** Replaces the extra arguments. */
            public Builder args(List<String> args) {
                this.args = List.copyOf(args);
                return this;
            }

            /** Appends extra arguments, e.g. {@code arg("--maxmemory", "10mb")}. */
            public Builder arg(String... more) {
                List<String> all = new ArrayList<>(args);
                all.addAll(List.of(more));
                this.args = List.copyOf(all);
                return this;
            }

            public Builder startTimeout(Duration startTimeout) {
                this.startTimeout = startTimeout;
                return this;
            }

            public Builder stopTimeout(Duration stopTimeout) {
                this.stopTimeout = stopTimeout;
                return this;
            }

            public Options build() {
                return new Options(executable, port, appendOnly, saveOnStop, args, startTimeout, stopTimeout);
            }
        }
    }

    static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
