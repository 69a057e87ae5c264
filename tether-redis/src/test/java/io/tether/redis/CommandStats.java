package io.tether.redis;

import io.tether.testkit.services.RedisServer;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Counts of the commands a redis-server executed, from {@code INFO commandstats}. */
final class CommandStats {
    /** What the test itself sends to read and reset the counts. */
    private static final Set<String> OWN = Set.of("info", "config|resetstat", "ping");

    private CommandStats() {
    }

    static void reset(RedisServer redis) {
        redis.command("CONFIG", "RESETSTAT");
    }

    /**
     * Calls per command since the last {@link #reset}, commands run inside scripts included (Redis
     * counts those too), the test's own INFO/CONFIG/PING left out.
     */
    static Map<String, Long> read(RedisServer redis) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : String.valueOf(redis.command("INFO", "commandstats")).split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            int from = line.indexOf("calls=") + "calls=".length();
            long n = Long.parseLong(line.substring(from, line.indexOf(',', from)));
            if (!OWN.contains(name)) {
                calls.put(name, n);
            }
        }
        return calls;
    }
}
