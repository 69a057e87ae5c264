package io.tether.app;

import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Reconnection flags of {@code tether connect}. */
final class ReconnectOptions {
    /** Backoff.Formula by the names used on the command line. */
    enum Formula { decorrelated, full, equal, exponential, constant }

    @Option(names = "--no-reconnect", description = "Exit when the connection is lost instead of reconnecting.")
    boolean off;

    @Option(names = "--wait-for-server", description = "Retry the first connection too, instead of exiting when it fails.")
    boolean waitForServer;

    @Option(names = "--backoff", paramLabel = "FORMULA", defaultValue = "decorrelated",
            description = "decorrelated, full, equal, exponential or constant (default ${DEFAULT-VALUE}).")
    Formula formula;

    @Option(names = "--backoff-base", converter = DurationConverter.class, paramLabel = "D", defaultValue = "250ms",
            description = "First / smallest delay (default ${DEFAULT-VALUE}).")
    Duration base;

    @Option(names = "--backoff-cap", converter = DurationConverter.class, paramLabel = "D", defaultValue = "30s",
            description = "Largest delay (default ${DEFAULT-VALUE}).")
    Duration cap;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "0",
            description = "Give up after N attempts per outage; 0 = never (default).")
    int maxAttempts;

    @Option(names = "--max-elapsed", converter = DurationConverter.class, paramLabel = "D", defaultValue = "0",
            description = "Give up after this long per outage; 0 = never (default).")
    Duration maxElapsed;

    ReconnectPolicy toPolicy() {
        Backoff backoff = Backoff.Formula.valueOf(formula.name().toUpperCase(Locale.ROOT)).create(base, cap);
        return ReconnectPolicy.builder().enabled(!off).backoff(backoff).maxAttempts(maxAttempts)
                .maxElapsed(maxElapsed).retryFirstConnect(waitForServer).build();
    }
}
