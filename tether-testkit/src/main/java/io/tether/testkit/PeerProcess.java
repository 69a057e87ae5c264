package io.tether.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An external peer process (python3-websockets, node ws) started by a test: its stdout lines are
 * queued for bounded waits, stderr is kept for failure messages, and {@link #close()} ends exactly
 * this process (and its children) by PID.
 */
public final class PeerProcess implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private PeerProcess(Process process) {
        this.process = process;
        drain(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
        drain(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
    }

    public static PeerProcess start(String... command) throws IOException {
        return new PeerProcess(new ProcessBuilder(command).start());
    }

    /**
     * Runs {@code main}'s {@code main(args)} in a new JVM (this JVM's {@code java}, on this JVM's
     * class path): a program as a user would start it, killable without touching the test's JVM.
     */
    public static PeerProcess java(Class<?> main, String... args) throws IOException {
        String[] command = new String[4 + args.length];
        command[0] = System.getProperty("java.home") + "/bin/java";
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = main.getName();
        System.arraycopy(args, 0, command, 4, args.length);
        return start(command);
    }

    private void drain(BufferedReader reader, boolean out) {
        Thread t = new Thread(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    (out ? lines : stderr).add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "peer-" + process.pid() + (out ? "-out" : "-err"));
        t.setDaemon(true);
        t.start();
    }

    /** The next stdout line within {@code timeout}, or an AssertionError quoting stderr. */
    public String nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("peer printed nothing within " + timeout + "; alive=" + process.isAlive()
                    + "; stderr:\n" + String.join("\n", stderr));
        }
        return line;
    }

    /** Waits for the process to end and returns its exit code, or fails after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("peer still running after " + timeout + "; stderr:\n" + String.join("\n", stderr));
        }
        return process.exitValue();
    }

    /** Every stdout line not yet taken, without waiting. */
    public List<String> drainLines() {
        List<String> taken = new java.util.ArrayList<>();
        lines.drainTo(taken);
        return taken;
    }

    /** The process id, for logs. */
    public long pid() {
        return process.pid();
    }

    /** Ends the process with SIGKILL, as a crash would, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public String stderr() {
        return String.join("\n", stderr);
    }

    /** The stderr lines so far (a copy). */
    public List<String> stderrLines() {
        return List.copyOf(stderr);
    }

    /**
     * Sends SIGTERM (a graceful stop) and returns at once; {@link #awaitExit} waits for the end. Its
     * output is still read: {@code Process.destroy()} would close the pipes, losing what the process
     * writes while it stops.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
