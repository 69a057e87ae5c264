package io.tether.testkit.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One service process started by a fixture: stdout and stderr appended to a log file, readiness
 * polled with a deadline (the wait between polls is a wait for the process to exit, so a process
 * that dies is noticed at once), and stopped by its own PID — SIGTERM, then SIGKILL after a
 * bounded wait — together with any children it left (a Redis fork, nginx workers).
 */
final class ManagedProcess {
    private static final int TAIL_LINES = 30;

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code dir}, appending its output to {@code log}. */
    static ManagedProcess start(String name, List<String> command, Path dir, Path log) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            return new ManagedProcess(name, process, log);
        } catch (IOException e) {
            throw new ServiceException("could not run " + command.get(0) + " for " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs a command to completion within {@code timeout}; its output goes to {@code output}. */
    static Result run(List<String> command, Path dir, Path output, Duration timeout) {
        ManagedProcess p;
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        p = start(command.get(0), command, dir, output);
        try {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.stop(Duration.ofSeconds(2));
                throw new ServiceException(String.join(" ", command) + " did not finish within " + timeout
                        + "; output:\n" + tail(output, TAIL_LINES));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.kill(Duration.ofSeconds(2));
            throw new ServiceException("interrupted while running " + command.get(0), e);
        }
        return new Result(p.process.exitValue(), read(output));
    }

    /** The exit code and the whole output of a command run by {@link #run}. */
    record Result(int exitCode, String output) {
    }

    /**
     * Waits until {@code ready} is true, at most {@code timeout}; fails with the log's tail when the
     * process exits first or the time is up. {@code ready} should answer quickly (a connect, a PING).
     */
    void awaitReady(Duration timeout, BooleanSupplier ready, String what) {
        Poll.until(timeout, ready, process.onExit(),
                () -> name + " exited with code " + process.exitValue() + " before it was " + what
                        + "; log " + log + ":\n" + logTail(),
                () -> name + " (pid " + process.pid() + ") not " + what + " within " + timeout
                        + "; log " + log + ":\n" + logTail());
    }

    /** Completes when the process has exited. */
    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** SIGTERM, then SIGKILL when it is still running after {@code grace}; children likewise. */
    void stop(Duration grace) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!awaitExit(grace)) {
            process.destroyForcibly();
            awaitExit(grace);
        }
        reap(children, grace);
    }

    /** SIGKILL, as a crash would; children likewise. */
    void kill(Duration grace) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        awaitExit(grace);
        reap(children, grace);
    }

    private static void reap(List<ProcessHandle> children, Duration grace) {
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
                try {
                    child.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // reported by isAlive() to whoever checks; nothing more we can do by PID
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The process's children (nginx workers), for tests that check what is left. */
    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    String logTail() {
        return tail(log, TAIL_LINES);
    }

    static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }
}
