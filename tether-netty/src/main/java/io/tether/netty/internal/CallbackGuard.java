package io.tether.netty.internal;

import org.slf4j.Logger;

/**
 * Calls application callbacks so that what they throw is logged once and goes no further: a bug in
 * a listener must not kill an event loop or the connection. JVM errors (out of memory) still
 * propagate.
 */
public final class CallbackGuard {
    private CallbackGuard() {
    }

    /** Runs {@code call}; logs at WARN, naming {@code owner} and {@code callback}, if it throws. */
    public static void run(Logger log, Object owner, String callback, Runnable call) {
        try {
            call.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log.warn("{}: listener {} threw; going on", owner, callback, e);
        }
    }
}
