package io.tether.server.internal;

import io.tether.core.internal.session.SessionCounters;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Running totals of one endpoint's sessions, kept whether or not metrics are on (they are
 * increments, no allocation), and read by {@link ServerMetrics} when scraped. Thread-safe.
 */
final class EndpointTotals {
    /** What the session engines replayed, dropped as duplicates and failed. */
    final SessionCounters engines = new SessionCounters();
    /** Client messages delivered flagged as possible duplicates. */
    final LongAdder flagged = new LongAdder();
    final LongAdder created = new LongAdder();
    final LongAdder resumed = new LongAdder();
    final LongAdder resumeFailed = new LongAdder();
    /** New sessions refused with 1013 because the endpoint held its maximum. */
    final LongAdder refused = new LongAdder();
    /** Sessions whose time-to-live ran out here (their application was told). */
    final LongAdder expired = new LongAdder();
    private volatile LongConsumer resumeLatency = nanos -> { };

    /** Where the time from a resuming HELLO to its WELCOME goes (a histogram); replaces the previous one. */
    void onResumeLatency(LongConsumer recorder) {
        this.resumeLatency = recorder;
    }

    void resumeTook(long nanos) {
        resumeLatency.accept(nanos);
    }
}
