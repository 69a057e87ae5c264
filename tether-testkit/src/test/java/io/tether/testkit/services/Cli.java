package io.tether.testkit.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** redis-cli, as an independent client of the fixtures' servers. */
final class Cli {
    private static final String REDIS_CLI = System.getProperty("tether.redis-cli", "/usr/bin/redis-cli");

    private Cli() {
    }

    /** {@code redis-cli -p PORT args...}: its output, trimmed; fails unless it exits 0. */
    static String redis(int port, String... args) {
        return run(port, false, args);
    }

    /** {@code redis-cli -c -p PORT args...}: follows MOVED/ASK redirects of a cluster. */
    static String cluster(int port, String... args) {
        return run(port, true, args);
    }

    private static String run(int port, boolean cluster, String... args) {
        List<String> command = new ArrayList<>(List.of(REDIS_CLI, "-h", "127.0.0.1", "-p", Integer.toString(port)));
        if (cluster) {
            command.add("-c");
        }
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("redis-cli-", ".out");
            try {
                ManagedProcess.Result result = ManagedProcess.run(command, out.getParent(), out, Duration.ofSeconds(10));
                if (result.exitCode() != 0) {
                    throw new AssertionError(command + " exited " + result.exitCode() + ": " + result.output());
                }
                return result.output().trim();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
