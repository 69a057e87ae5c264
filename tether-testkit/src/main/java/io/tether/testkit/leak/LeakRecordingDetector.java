package io.tether.testkit.leak;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Netty's leak detector, keeping every leak it reports so that {@link NettyLeakExtension} can fail
 * the build on it (Netty itself only logs "LEAK:" at ERROR). Installed by the system property
 * {@code io.netty.customResourceLeakDetector}, which Netty reads when it creates a detector, so it is
 * in place before the first buffer is allocated, whichever class loads Netty first.
 */
public final class LeakRecordingDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> LEAKS = new ArrayList<>();
    private static final AtomicInteger CREATED = new AtomicInteger();

    public LeakRecordingDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        CREATED.incrementAndGet();
    }

    public LeakRecordingDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** How many detectors Netty created with this class (0: the system property is not in effect). */
    static int created() {
        return CREATED.get();
    }

    /** The leaks reported since the last call, each with Netty's access records. */
    static List<String> takeLeaks() {
        synchronized (LEAKS) {
            List<String> taken = List.copyOf(LEAKS);
            LEAKS.clear();
            return taken;
        }
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    /** Report even when Netty's logger is not at ERROR: the test decides, not the log level. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                + " (no access records: run with -Dio.netty.leakDetection.level=paranoid)");
        super.reportUntracedLeak(resourceType);
    }
}
