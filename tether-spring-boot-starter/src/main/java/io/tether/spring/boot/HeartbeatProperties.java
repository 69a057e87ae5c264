package io.tether.spring.boot;

import io.tether.core.heartbeat.Detection;
import io.tether.core.heartbeat.HeartbeatConfig;
import java.time.Duration;

/** Heartbeat settings, the same for {@code tether.server.heartbeat.*} and {@code tether.client.heartbeat.*}. */
public class HeartbeatProperties {
    /** Whether to ping quiet connections and close the ones that stop answering. */
    private boolean enabled = true;

    /** Ping after this much silence on a connection (traffic of any kind counts as life). */
    private Duration interval = HeartbeatConfig.DEFAULT_PING_INTERVAL;

    /** The peer counts as dead after interval + this much silence; its connection is closed. */
    private Duration timeout = HeartbeatConfig.DEFAULT_PING_TIMEOUT;

    /** How death is decided: a fixed timeout, or the phi-accrual detector (never later than the fixed bound). */
    private Detection detection = Detection.FIXED_TIMEOUT;

    /** The {@link HeartbeatConfig} these properties describe. */
    public HeartbeatConfig toConfig() {
        return HeartbeatConfig.builder().enabled(enabled).pingInterval(interval).pingTimeout(timeout)
                .detection(detection).build();
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public Detection getDetection() {
        return detection;
    }

    public void setDetection(Detection detection) {
        this.detection = detection;
    }
}
