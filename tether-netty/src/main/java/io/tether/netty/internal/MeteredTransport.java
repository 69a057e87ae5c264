package io.tether.netty.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link TransportMeter} of a server or client with a registry: data messages both ways
 * ({@code <prefix>messages.received}/{@code .sent}, one LongAdder increment each) and heartbeat
 * round trips ({@code <prefix>heartbeat.rtt}, a histogram from 1 ms to 30 s). Thread-safe.
 */
public final class MeteredTransport implements TransportMeter {
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final Timer roundTrips;

    /** @param prefix {@code tether.} for a server, {@code tether.client.} for a client */
    public MeteredTransport(MeterRegistry registry, String prefix) {
        FunctionCounter.builder(prefix + "messages.received", received, LongAdder::sum)
                .description("WebSocket data messages received (tether.v1 frames included)").register(registry);
        FunctionCounter.builder(prefix + "messages.sent", sent, LongAdder::sum)
                .description("WebSocket data messages sent (tether.v1 frames included)").register(registry);
        roundTrips = Timer.builder(prefix + "heartbeat.rtt")
                .description("round trip of a heartbeat ping, measured at its pong")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    }

    @Override
    public void messageReceived() {
        received.increment();
    }

    @Override
    public void messageSent() {
        sent.increment();
    }

    @Override
    public void heartbeatRoundTrip(long nanos) {
        roundTrips.record(nanos, TimeUnit.NANOSECONDS);
    }
}
