package io.tether.testkit.leak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak. Registered for every test class of every
 * module that has the test kit on its test classpath (ServiceLoader, with
 * {@code junit.jupiter.extensions.autodetection.enabled} set by the parent pom's Surefire
 * configuration, which also sets {@code io.netty.leakDetection.level=paranoid} and installs
 * {@link LeakRecordingDetector}).
 *
 * <p>Netty finds a leak only when the garbage collector has collected the unreleased buffer and a
 * later allocation polls its queue. So after each class this forces a collection, waits until the
 * collector has enqueued a reference of its own, and allocates: leaks of that class are then
 * reported. A leak still found late is reported after a later class of the same JVM, whose name
 * the message then gives; the access records say where the buffer was allocated and touched.
 */
public final class NettyLeakExtension implements BeforeAllCallback, AfterAllCallback {
    private static final int ROUNDS = 3;

    @Override
    public void beforeAll(ExtensionContext context) {
        poll();
        if (LeakRecordingDetector.created() == 0) {
            throw new IllegalStateException("Netty's buffer leak detector is not " + LeakRecordingDetector.class.getName()
                    + " (system property io.netty.customResourceLeakDetector), so leaks would only be logged");
        }
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException("Netty's leak detection level is " + ResourceLeakDetector.getLevel()
                    + ", not PARANOID (system property io.netty.leakDetection.level): leaks could go unseen");
        }
        fail("before " + context.getDisplayName(), LeakRecordingDetector.takeLeaks());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        assertNoLeaks(context.getDisplayName());
    }

    /**
     * The check this extension makes after a class, for test engines that do not run JUnit
     * Jupiter extensions (jqwik properties): collects garbage, has Netty poll for leaks, and
     * throws an AssertionError listing any reported, naming {@code after}.
     */
    public static void assertNoLeaks(String after) throws InterruptedException {
        for (int i = 0; i < ROUNDS; i++) {
            collectGarbage();
            poll();
        }
        fail("after " + after + " (the leaking test may be in this class or an earlier one in this JVM)",
                LeakRecordingDetector.takeLeaks());
    }

    private static void fail(String when, List<String> leaks) {
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " buffer leak(s) " + when + ":\n"
                    + String.join("\n\n", leaks));
        }
    }

    /** One GC, and the reference handler has run past it: a reference of ours was enqueued. */
    private static void collectGarbage() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        for (int i = 0; i < 10; i++) {
            System.gc();
            if (queue.remove(100) != null) {
                break;
            }
        }
        sentinel.clear();
    }

    /** Netty checks for collected, unreleased buffers when it tracks a new one. */
    private static void poll() {
        release(UnpooledByteBufAllocator.DEFAULT.heapBuffer(1));
        release(UnpooledByteBufAllocator.DEFAULT.directBuffer(1));
        release(PooledByteBufAllocator.DEFAULT.heapBuffer(1));
        release(PooledByteBufAllocator.DEFAULT.directBuffer(1));
    }

    private static void release(ByteBuf buffer) {
        buffer.release();
    }
}
