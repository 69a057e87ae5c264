package io.tether.testkit;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Bytes allocated on the Java heap, by HotSpot's per-thread counters: a test measures what some
 * work allocated (say, a decompression bomb's handling on the event loop) as the difference of two
 * readings, exact where heap-usage figures depend on when the collector last ran.
 */
public final class Allocations {
    private Allocations() {
    }

    /** What the threads alive now have allocated since they started (dead threads' counts are gone). */
    public static long allocatedByAllThreads() {
        ThreadMXBean threads = ManagementFactory.getPlatformMXBean(ThreadMXBean.class);
        return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(n -> n > 0).sum();
    }
}
