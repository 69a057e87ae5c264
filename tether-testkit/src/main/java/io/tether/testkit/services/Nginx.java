package io.tether.testkit.services;

import io.tether.testkit.services.NginxConfig.Upstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Debian's nginx as a round-robin WebSocket reverse proxy in front of nodes on 127.0.0.1, running
 * the shipped {@code deploy/nginx/tether.conf} (rendered with this proxy's port and upstreams) inside
 * {@code deploy/nginx/local.conf}, all in a temporary directory of its own:
 * {@code nginx -p DIR -c DIR/nginx.conf -g 'daemon off; pid ...; error_log DIR/error.log notice;'}
 * ({@code user root;} too when run as root). Ready when its worker runs and the port accepts.
 *
 * <p>{@link #reload} and {@link #drain} rewrite the upstream block, check it with {@code nginx -t},
 * send SIGHUP to the master's PID, and return once every old worker has stopped accepting (it
 * logged "gracefully shutting down"): from then on new connections follow the new list, while
 * established ones stay where they are. {@link #close()} sends SIGTERM to the master (workers stop
 * with it), then SIGKILL to whatever is left, by PID.
 */
public final class Nginx implements AutoCloseable {
    private static final int PORT_ATTEMPTS = 3;

    private final Options options;
    private final Path dir;
    private final Path errorLog;
    private final Path output;
    private int port;
    private List<Upstream> upstreams;
    private @Nullable ManagedProcess process;
    private boolean closed;

    private Nginx(Options options) {
        this.options = options;
        this.dir = Dirs.temp("tether-nginx-");
        this.errorLog = dir.resolve("error.log");
        this.output = dir.resolve("nginx.out");
        this.upstreams = options.upstreams().stream().map(p -> new Upstream(p, false)).toList();
    }

    /** A proxy on a free port in front of 127.0.0.1:{@code upstreams}. */
    public static Nginx start(List<Integer> upstreams) {
        return start(Options.builder().upstreams(upstreams).build());
    }

    public static Nginx start(Options options) {
        Objects.requireNonNull(options, "options");
        Nginx nginx = new Nginx(options);
        try {
            nginx.startOnFreePort();
            return nginx;
        } catch (RuntimeException e) {
            nginx.close();
            throw e;
        }
    }

    private synchronized void startOnFreePort() {
        write(dir.resolve("nginx.conf"), NginxConfig.main());
        for (int attempt = 1; ; attempt++) {
            port = options.port() != 0 ? options.port() : FreePort.pick();
            write(dir.resolve("tether.conf"), render(upstreams));
            ManagedProcess started = ManagedProcess.start("nginx :" + port, command(), dir, output);
            process = started;
            try {
                started.awaitReady(options.startTimeout(),
                        () -> !started.descendants().isEmpty() && FreePort.accepting(port), "accepting on :" + port);
                return;
            } catch (ServiceException e) {
                started.kill(options.stopTimeout());
                boolean taken = ManagedProcess.read(errorLog).contains("Address already in use");
                if (!taken || options.port() != 0 || attempt == PORT_ATTEMPTS) {
                    throw new ServiceException(e.getMessage() + "\nerror.log:\n" + errorLogTail(), e);
                }
            }
        }
    }

    private List<String> command() {
        return new ArrayList<>(List.of(options.executable().toString(),
                "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(), "-g", globals()));
    }

    /** Main-context directives given with -g (a pid or user in the file as well would be a duplicate). */
    private String globals() {
        return "daemon off; pid " + dir.resolve("nginx.pid") + "; error_log " + errorLog + " notice;"
                + (ownedByRoot(dir) ? " user root;" : "");
    }

    private String render(List<Upstream> list) {
        return NginxConfig.render(NginxConfig.template(), "127.0.0.1:" + port, list);
    }

    /** The port nginx listens on (127.0.0.1). */
    public synchronized int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public synchronized String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code ws://127.0.0.1:PORT}. */
    public synchronized String wsUrl() {
        return "ws://127.0.0.1:" + port;
    }

    /** The master's PID. */
    public synchronized long pid() {
        return running().pid();
    }

    /** The worker processes now (after a reload, old ones may still be finishing their connections). */
    public synchronized List<ProcessHandle> workers() {
        return running().descendants();
    }

    /** The upstream ports in rotation (not drained). */
    public synchronized List<Integer> upstreams() {
        return upstreams.stream().filter(u -> !u.down()).map(Upstream::port).toList();
    }

    /** The rendered tether.conf that nginx runs now. */
    public String config() {
        return ManagedProcess.read(dir.resolve("tether.conf"));
    }

    public String errorLogTail() {
        return ManagedProcess.tail(errorLog, 30) + ManagedProcess.tail(output, 10);
    }

    /** Replaces the upstreams (all in rotation) and reloads. */
    public synchronized void reload(List<Integer> ports) {
        apply(ports.stream().map(p -> new Upstream(p, false)).toList());
    }

    /**
     * Takes {@code upstream} out of rotation as an operator would — marked {@code down} — and
     * reloads: new connections go to the others; established ones are left alone.
     */
    public synchronized void drain(int upstream) {
        if (upstreams.stream().noneMatch(u -> u.port() == upstream)) {
            throw new IllegalArgumentException(upstream + " is not an upstream of " + this);
        }
        apply(upstreams.stream().map(u -> u.port() == upstream ? new Upstream(u.port(), true) : u).toList());
    }

    private void apply(List<Upstream> next) {
        ManagedProcess master = running();
        Path config = dir.resolve("tether.conf");
        String previous = ManagedProcess.read(config);
        write(config, render(next));
        List<String> test = new ArrayList<>(command());
        test.add("-t");
        ManagedProcess.Result checked = ManagedProcess.run(test, dir, dir.resolve("nginx-t.out"), options.startTimeout());
        if (checked.exitCode() != 0) {
            write(config, previous);
            throw new ServiceException("nginx -t refused the new configuration:\n" + checked.output());
        }
        List<Long> oldWorkers = master.descendants().stream().map(ProcessHandle::pid).toList();
        long offset = size(errorLog);
        ManagedProcess.Result hup = ManagedProcess.run(List.of("kill", "-HUP", Long.toString(master.pid())), dir,
                dir.resolve("kill.out"), options.stopTimeout());
        if (hup.exitCode() != 0) {
            throw new ServiceException("kill -HUP " + master.pid() + " failed: " + hup.output());
        }
        master.awaitReady(options.startTimeout(), () -> reloaded(offset, oldWorkers), "reloaded");
        upstreams = next;
    }

    /** Every old worker has logged that it stopped accepting (or is gone); an [emerg] fails. */
    private boolean reloaded(long offset, List<Long> oldWorkers) {
        String log = ManagedProcess.read(errorLog);
        String since = log.length() > offset ? log.substring((int) offset) : "";
        if (since.contains("[emerg]")) {
            throw new ServiceException("nginx refused the reload:\n" + since);
        }
        return oldWorkers.stream().allMatch(pid -> since.contains(pid + "#" + pid + ": gracefully shutting down")
                || ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    /** SIGTERM to the master, SIGKILL after the stop timeout, workers likewise; deletes the directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            ManagedProcess p = process;
            if (p != null) {
                p.stop(options.stopTimeout());
            }
        } finally {
            Dirs.delete(dir);
        }
    }

    @Override
    public synchronized String toString() {
        return "nginx :" + port + " -> " + upstreams;
    }

    private ManagedProcess running() {
        ManagedProcess p = process;
        if (closed || p == null) {
            throw new IllegalStateException("nginx is not running");
        }
        return p;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean ownedByRoot(Path dir) {
        try {
            return "root".equals(Files.getOwner(dir).getName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How {@link Nginx} is started.
     *
     * @param executable   the nginx binary (default {@code /usr/sbin/nginx}, or the system property
     *                     {@code tether.nginx})
     * @param upstreams    ports of the nodes on 127.0.0.1, at least one
     * @param port         0 (default) for a free port, else this one
     * @param startTimeout bound of the wait until it accepts, and of a reload
     * @param stopTimeout  how long SIGTERM may take before SIGKILL
     */
    public record Options(Path executable, List<Integer> upstreams, int port, Duration startTimeout,
            Duration stopTimeout) {
        public static final Path DEFAULT_EXECUTABLE = Path.of(System.getProperty("tether.nginx", "/usr/sbin/nginx"));
        public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

        public Options {
            Objects.requireNonNull(executable, "executable");
            upstreams = List.copyOf(upstreams);
            upstreams.forEach(p -> new Upstream(p, false));
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, was " + port);
            }
            RedisServer.requirePositive(startTimeout, "startTimeout");
            RedisServer.requirePositive(stopTimeout, "stopTimeout");
        }

        /** Defaults, with no upstreams yet (give at least one). */
        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder().executable(executable).upstreams(upstreams).port(port)
                    .startTimeout(startTimeout).stopTimeout(stopTimeout);
        }

        /** Builder of {@link Options}. */
        public static final class Builder {
            private Path executable = DEFAULT_EXECUTABLE;
            private List<Integer> upstreams = List.of();
            private int port;
            private Duration startTimeout = DEFAULT_START_TIMEOUT;
            private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;

            private Builder() {
            }

            public Builder executable(Path executable) {
                this.executable = executable;
                return this;
            }

            public Builder upstreams(List<Integer> upstreams) {
                this.upstreams = List.copyOf(upstreams);
                return this;
            }

            public Builder port(int port) {
                this.port = port;
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
                return new Options(executable, upstreams, port, startTimeout, stopTimeout);
            }
        }
    }
}
