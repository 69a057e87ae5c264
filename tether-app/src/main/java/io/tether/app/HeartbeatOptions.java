package io.tether.app;

import io.tether.core.heartbeat.Detection;
import io.tether.core.heartbeat.HeartbeatConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Heartbeat flags shared by {@code serve} and {@code connect}. */
final class HeartbeatOptions {
    @Option(names = "--ping-interval", converter = DurationConverter.class, paramLabel = "D",
            description = "Ping after this much silence (default ${DEFAULT-VALUE}).", defaultValue = "20s")
    Duration pingInterval;

    @Option(names = "--ping-timeout", converter = DurationConverter.class, paramLabel = "D",
            description = "Peer is dead after interval + this much silence (default ${DEFAULT-VALUE}).",
            defaultValue = "10s")
    Duration pingTimeout;

    @Option(names = "--phi-accrual", description = "Detect with the phi-accrual detector (never later than the fixed bound).")
    boolean phiAccrual;

    @Option(names = "--no-heartbeat", description = "Switch heartbeats off.")
    boolean off;

    HeartbeatConfig toConfig() {
        return HeartbeatConfig.builder()
                .enabled(!off)
                .pingInterval(pingInterval)
                .pingTimeout(pingTimeout)
                .detection(phiAccrual ? Detection.PHI_ACCRUAL : Detection.FIXED_TIMEOUT)
                .build();
    }
}
