package io.tether.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU used over a measurement window by the server (from {@code /proc/<pid>/stat}) and by this load
 * generator, each as a percentage of one core: a figure is server-bound when the server's share is
 * near 100 % (it is pinned to one core), generator-bound when the generator's is.
 */
final class CpuMeter {
    /** Linux reports utime and stime in clock ticks of 1/100 s on every platform Tether runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long serverPid;
    private final long serverTicksAtStart;
    private final long ownNanosAtStart;
    private final long wallNanosAtStart;

    private CpuMeter(long serverPid) {
        this.serverPid = serverPid;
        this.serverTicksAtStart = serverTicks(serverPid);
        this.ownNanosAtStart = ownCpuNanos();
        this.wallNanosAtStart = System.nanoTime();
    }

    /** Starts a window now; {@code serverPid} 0 measures the generator only. */
    static CpuMeter start(long serverPid) {
        return new CpuMeter(serverPid);
    }

    /** The window's figures, as {@code server_cpu=N% load_cpu=N%} ({@code server_cpu=?} without a pid). */
    String stop() {
        return usage().toString();
    }

    /** The window's figures as numbers. */
    Usage usage() {
        double wallSeconds = (System.nanoTime() - wallNanosAtStart) / 1e9;
        double own = (ownCpuNanos() - ownNanosAtStart) / 1e9;
        double server = serverPid <= 0 ? Double.NaN : (serverTicks(serverPid) - serverTicksAtStart) / TICKS_PER_SECOND;
        return new Usage(wallSeconds, server, own);
    }

    /**
     * CPU seconds used over a window of {@code wallSeconds}.
     *
     * @param serverSeconds the server's, NaN without a pid (resolution 10 ms: the kernel's ticks)
     * @param loadSeconds this process's
     */
    record Usage(double wallSeconds, double serverSeconds, double loadSeconds) {
        @Override
        public String toString() {
            String server = Double.isNaN(serverSeconds) ? "?"
                    : String.format(Locale.ROOT, "%.0f%%", serverSeconds / wallSeconds * 100);
            return String.format(Locale.ROOT, "server_cpu=%s load_cpu=%.0f%%", server, loadSeconds / wallSeconds * 100);
        }
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of the process, in clock ticks; 0 when unknown. */
    private static long serverTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; fields are counted after its closing ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid, e);
        }
    }
}
